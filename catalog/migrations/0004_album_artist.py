"""An album is its title and its album artist, no longer its title and one song's artist.

Until now each song's album was made under the song's own artist, so a soundtrack by several
composers was one album per composer. Forwards, each song whose file is still on disk and
whose tags still name its album's title is moved to the album its tags now name (title and
album artist, ``catalog.tags``); albums this leaves without songs are deleted. A song whose
file is gone, or whose album was changed by hand, keeps its album. Backwards, albums stay as
they are: they are valid rows of the old meaning too.
"""

from pathlib import Path

import django.db.models.deletion
from django.db import migrations, models

from catalog.tags import read_tags


def regroup(apps, schema_editor):
    Album = apps.get_model("catalog", "Album")
    Artist = apps.get_model("catalog", "Artist")
    Song = apps.get_model("catalog", "Song")
    left = set()
    for song in Song.objects.filter(album__isnull=False).select_related("album__artist"):
        path = Path(song.source_path) if song.source_path else None
        if path is None or not path.is_file():
            continue
        tags = read_tags(path)
        if tags.album != song.album.title or tags.album_artist == song.album.artist.name:
            continue
        album_artist, _ = Artist.objects.get_or_create(name=tags.album_artist)
        left.add(song.album_id)
        song.album, _ = Album.objects.get_or_create(title=tags.album, artist=album_artist)
        song.save(update_fields=["album"])
    Album.objects.filter(pk__in=left, songs__isnull=True).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0003_song_cover"),
    ]

    operations = [
        migrations.AlterField(
            model_name="album",
            name="artist",
            field=models.ForeignKey(
                help_text="Who the album is by (“Various Artists” for a compilation).",
                on_delete=django.db.models.deletion.CASCADE,
                related_name="albums",
                to="catalog.artist",
                verbose_name="album artist",
            ),
        ),
        migrations.RunPython(regroup, migrations.RunPython.noop),
    ]
