from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("recognize", views.recognize_page, name="recognize"),
    path("songs/", views.songs, name="songs"),
    path("songs/<int:song_id>/cover", views.song_cover, name="song-cover"),
    path("api/recognize", views.recognize_api, name="api-recognize"),
]
