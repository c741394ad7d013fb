"""The catalog as ``/songs/`` lists it: searched by title, artist or album, sorted by a column."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import F, Q, QuerySet
from django.db.models.expressions import OrderBy

from catalog.models import Song


@dataclass(frozen=True)
class Column:
    """A column of the song table, and what sorting by it orders the songs by."""

    key: str
    label: str
    fields: tuple[str, ...]
    numeric: bool = False


COLUMNS = (
    Column("title", "Title", ("title", "artist__name")),
    Column("artist", "Artist", ("artist__name", "title")),
    Column("album", "Album", ("album__title", "title")),
    Column("duration", "Duration", ("duration_seconds", "title"), numeric=True),
    Column("indexed", "Indexed", ("indexed_at", "title")),
)
DEFAULT_SORT = "artist"


@dataclass(frozen=True)
class Sort:
    """A column and a direction, written ``key`` or ``-key`` (descending) in the URL."""

    column: Column
    descending: bool = False

    @classmethod
    def parse(cls, value: str) -> Sort:
        """The sort a URL asks for; the default one for anything unknown."""
        key = value.removeprefix("-")
        columns = {column.key: column for column in COLUMNS}
        if key not in columns:
            return cls(columns[DEFAULT_SORT])
        return cls(columns[key], descending=value.startswith("-"))

    def __str__(self) -> str:
        return f"-{self.column.key}" if self.descending else self.column.key

    def ordering(self) -> list[OrderBy]:
        """Songs without the value (no album, not indexed yet) come last either way."""
        return [
            F(name).desc(nulls_last=True) if self.descending else F(name).asc(nulls_last=True)
            for name in self.column.fields
        ]


def find_songs(query: str, sort: Sort) -> QuerySet[Song]:
    """The songs whose title, artist or album contains ``query`` (all of them for ""), sorted."""
    found = Song.objects.select_related("artist", "album")
    if query:
        found = found.filter(
            Q(title__icontains=query)
            | Q(artist__name__icontains=query)
            | Q(album__title__icontains=query)
        )
    return found.order_by(*sort.ordering())


@dataclass(frozen=True)
class ColumnHead:
    """A column's heading in the table: the link that sorts by it, and its ``aria-sort``."""

    column: Column
    url: str
    #: "ascending" or "descending" for the column sorted by, "" for the others.
    aria_sort: str


def column_heads(query: str, sort: Sort) -> list[ColumnHead]:
    """Each column's heading for the songs of ``query`` sorted by ``sort``: its link sorts by
    it, the other way round if it is the sort already."""
    heads = []
    for column in COLUMNS:
        current = column == sort.column
        by_it = Sort(column, descending=current and not sort.descending)
        direction = "descending" if sort.descending else "ascending"
        url = "?" + urlencode({"q": query, "sort": str(by_it)})
        heads.append(ColumnHead(column, url, direction if current else ""))
    return heads
