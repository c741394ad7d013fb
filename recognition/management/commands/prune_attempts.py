"""``manage.py prune_attempts``: the name ``manage.py prune`` had before it also pruned the
timeline jobs; the same command."""

from __future__ import annotations

from .prune import Command as Command
