"""gunicorn's settings for Kazoom: ``gunicorn -c kazoom_site/gunicorn.conf.py kazoom_site.wsgi``.

Threaded workers, so that a slow or idle client holds one thread, not a whole worker: the
worker's main thread waits for a connection's request without a thread of its own once it
has sent nothing for 5 s, and a client that stops sending the body it declared is cut off after
``KAZOOM_CLIENT_TIMEOUT`` seconds (10). One that stops half-way through its headers holds its
thread until it hangs up (gunicorn bounds no header read): more of those than the threads
need a buffering proxy in front. Options given on the command line win over these. It imports
nothing of Kazoom's, so it loads from any working directory.
"""

from __future__ import annotations

import os
from typing import Any

bind = "0.0.0.0:8000"
worker_class = "gthread"
#: Processes: a recognition is CPU-bound, so about one per core.
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
#: Threads per process: what waits on a slow client, a database lock or the network.
threads = 32
#: A worker whose main loop is silent this long is restarted; a recognition takes under 1 s.
timeout = 30
graceful_timeout = 30
#: How long an idle kept-alive connection stays open.
keepalive = 5
#: Seconds one read of a request's body may wait for data before the request is refused.
CLIENT_TIMEOUT_SECONDS = float(os.environ.get("KAZOOM_CLIENT_TIMEOUT", "10"))


def pre_request(worker: Any, req: Any) -> None:
    """Bound each read of the request's body: a client that declares more than it sends
    (Content-Length) would otherwise hold its thread for as long as it keeps the socket open.
    The read that times out is Django's UnreadablePostError: a 400."""
    req.unreader.sock.settimeout(CLIENT_TIMEOUT_SECONDS)
