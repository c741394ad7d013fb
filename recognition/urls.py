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
    path("timeline/", views.timeline, name="timeline"),
    path("timeline/<slug:job_id>/", views.timeline_job, name="timeline-job"),
    path("timeline/<slug:job_id>/timeline.csv", views.timeline_job_csv, name="timeline-job-csv"),
    path("timeline/<slug:job_id>/timeline.json", views.timeline_job_json, name="timeline-job-json"),
    path("api/recognize", views.recognize_api, name="api-recognize"),
    path("api/timeline", views.timeline_api, name="api-timeline"),
    path("api/timeline/<slug:job_id>", views.timeline_job_api, name="api-timeline-job"),
]
