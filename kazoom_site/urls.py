from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Kazoom administration"
admin.site.site_title = "Kazoom administration"
admin.site.index_title = "The catalog and the log of recognitions"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("recognition.urls")),
]

# A form that cannot be read before a view runs: the API's JSON shape or the page's error card.
handler400 = "recognition.views.bad_request"
# The rest in the site's look (the API's JSON shape under /api/): recognition/error_pages.py.
handler403 = "recognition.error_pages.permission_denied"
handler404 = "recognition.error_pages.page_not_found"
handler500 = "recognition.error_pages.server_error"
