"""Request-scoped helpers the route modules share."""

from __future__ import annotations

from fastapi import Request
from fastapi.templating import Jinja2Templates

from dailypapers.config import Settings
from dailypapers.store.db import Database


def get_db(request: Request) -> Database:
    return request.app.state.db


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def templates(request: Request) -> Jinja2Templates:
    return request.app.state.templates
