"""Structured logs: one JSON object a line (time, level, logger, message, the request's path and status when
Django logs a request, the exception), for journald, Docker or a log shipper to read without parsing text."""

from __future__ import annotations

import datetime as dt
import json
import logging


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        out = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "path"):
            out["path"] = request.path
            out["method"] = request.method
        if hasattr(record, "status_code"):
            out["status"] = record.status_code
        if record.exc_info:
            out["exception"] = self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False)
