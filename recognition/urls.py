from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("recognize", views.recognize_page, name="recognize"),
    path("finds/clear", views.clear_finds, name="clear-finds"),
    path("songs/", views.songs, name="songs"),
    path("songs/<int:song_id>/", views.song, name="song"),
    path("songs/<int:song_id>/cover", views.song_cover, name="song-cover"),
    path("songs/<int:song_id>/audio", views.song_audio_file, name="song-audio"),
    path("r/<slug:token>/", views.shared_result, name="shared-result"),
    path("api/recognize", views.recognize_api, name="api-recognize"),
]
