"""gunicorn's settings for Kazoom: ``gunicorn -c kazoom_site/gunicorn.conf.py kazoom_site.wsgi``.

Threaded workers, so that a slow or idle client holds one thread, not a whole worker: the
worker's main thread waits for a connection's request without a thread of its own once it
has sent nothing for 5 s, and a client that stops sending its headers or the body it declared
is cut off once one read has waited ``KAZOOM_CLIENT_TIMEOUT`` seconds (10). A client that
trickles a byte at a time within that bound still holds its thread: more of those than the
threads need a buffering proxy in front (``deploy/nginx-kazoom.conf``). Options given on the
command line win over these. It imports nothing of Kazoom's, so it loads from any working
directory.
"""

from __future__ import annotations

import logging
import os
import socket
import struct
from typing import Any

bind = "0.0.0.0:8000"
worker_class = "gthread"
#: Processes: a recognition is CPU-bound, so about one per core.
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
#: Threads per process: what waits on a slow client, a database lock or the network.
threads = 32
#: A worker whose main loop is silent this long is restarted; a recognition takes under 1 s.
timeout = 30
#: How long a stopping worker waits for its requests in flight and for idle kept-alive
#: connections (gunicorn 25 waits on those until this runs out, not their keepalive).
graceful_timeout = 10
#: How long an idle kept-alive connection stays open.
keepalive = 5
#: Seconds one read of a request's body may wait for data before the request is refused.
CLIENT_TIMEOUT_SECONDS = float(os.environ.get("KAZOOM_CLIENT_TIMEOUT", "10"))


def pre_request(worker: Any, req: Any) -> None:
    """Bound each read of the request's body: a client that declares more than it sends
    (Content-Length) would otherwise hold its thread for as long as it keeps the socket open.
    The read that times out is Django's UnreadablePostError: a 400."""
    req.unreader.sock.settimeout(CLIENT_TIMEOUT_SECONDS)


def post_worker_init(worker: Any) -> None:
    """Bound each read of a request's head as ``pre_request`` bounds its body's. gunicorn reads
    the head on a blocking socket with no timeout of its own; every connection the worker
    accepts inherits its listening socket's receive timeout, so a read that waits longer fails
    (EAGAIN) and gunicorn closes the connection. It logs that as a socket error with a
    traceback, which ``_one_line_for_a_stalled_head`` turns into one warning."""
    seconds, fraction = divmod(CLIENT_TIMEOUT_SECONDS, 1)
    receive_timeout = struct.pack("ll", int(seconds), int(fraction * 1_000_000))
    for listener in worker.sockets:
        listener.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, receive_timeout)
    worker.log.error_log.addFilter(_one_line_for_a_stalled_head)


def _one_line_for_a_stalled_head(record: logging.LogRecord) -> bool:
    """A head read that timed out (the only blocking read that raises BlockingIOError), logged
    as one warning line rather than an error with a traceback."""
    if record.exc_info and isinstance(record.exc_info[1], BlockingIOError):
        record.msg = "Closed a connection whose request head stopped coming for %g s"
        record.args = (CLIENT_TIMEOUT_SECONDS,)
        record.exc_info = record.exc_text = None
        record.levelno, record.levelname = logging.WARNING, "WARNING"
    return True
