from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("recognition.urls")),
]

# Errors raised before a view runs, answered in the API's JSON shape or the page's error card.
handler400 = "recognition.views.bad_request"
handler500 = "recognition.views.server_error"
