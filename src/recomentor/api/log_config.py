"""The one logging set-up of `recomentor serve`, applied by uvicorn in every worker process.

Worker processes are spawned, not forked: a configuration made in the parent with
logging.basicConfig was lost there (no access lines, bare error lines). uvicorn applies this
dictionary in the parent and again in each worker.
"""

from __future__ import annotations

from typing import Any

# Every line: time, level, logger, the id of the request being answered ("-" outside one; a
# 500 answer names it) and the message. Access lines' messages are method, route template,
# status and duration (see access_log.py).
LINE_FORMAT = "%(asctime)s %(levelname)s %(name)s request=%(request_id)s %(message)s"


def log_config(level: str) -> dict[str, Any]:
    level = level.upper()
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"plain": {"format": LINE_FORMAT}},
        "filters": {"request_id": {"()": "recomentor.api.access_log.RequestIdFilter"}},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": "plain",
                "filters": ["request_id"],
                "stream": "ext://sys.stderr",
            }
        },
        "root": {"level": level, "handlers": ["stderr"]},
        # uvicorn's own loggers go through the root handler, in the same format.
        "loggers": {name: {"level": level} for name in ("uvicorn", "uvicorn.error")},
    }
