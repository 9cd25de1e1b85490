"""What every command shares: settings, logging and the database handle."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import click

from dailypapers.config import Settings, load_settings
from dailypapers.store.db import Database


@dataclass
class AppContext:
    config_file: str | None = None
    verbose: bool = False
    _settings: Settings | None = field(default=None, repr=False)
    _db: Database | None = field(default=None, repr=False)

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = load_settings(self.config_file)
            level = logging.DEBUG if self.verbose else getattr(logging, self._settings.log_level.upper(), logging.INFO)
            logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        return self._settings

    def database(self, upgrade: bool = True) -> Database:
        """The database, with its schema brought up to date first (commands never run on an old schema)."""
        if self._db is None:
            self._db = Database(self.settings)
            if upgrade:
                self._db.upgrade()
        return self._db


pass_app = click.make_pass_decorator(AppContext)
