from django.apps import AppConfig


class RecognitionConfig(AppConfig):
    name = "recognition"
    verbose_name = "Recognition"

    def ready(self) -> None:
        # Connects the receiver that reports the jobs of failed tasks.
        from . import timeline_jobs  # noqa: F401
