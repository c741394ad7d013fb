from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = "Catalog"

    def ready(self) -> None:
        # Connect the receivers: deletions', and the one that reports failed indexing tasks.
        from . import indexing_jobs, signals  # noqa: F401
