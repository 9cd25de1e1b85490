"""The app of one `dailypapers serve --workers N` process: settings from the config file and environment."""

from __future__ import annotations

from fastapi import FastAPI

from dailypapers.config import load_settings
from dailypapers.store.db import Database
from dailypapers.web.app import create_app


def serve_app() -> FastAPI:
    settings = load_settings()
    return create_app(settings, db=Database(settings), background_sync=True)
