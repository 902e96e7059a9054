"""Processes that write to the test database at the same time, for the
concurrency tests (PostgreSQL).

They are started fresh ("spawn"), not forked: a fork of a process that runs
other threads (a pytest-xdist worker's, the browser tests' live server) can
hang on a lock one of those threads held. Each process sets Django up itself
with the settings of the test that starts it, its test database and what the
suite's fixtures changed included.
"""

from __future__ import annotations

import importlib
import multiprocessing
import pickle
from multiprocessing.process import BaseProcess

from django.conf import settings
from django.db import connections

CONTEXT = multiprocessing.get_context("spawn")


def writer(target: str, *args) -> BaseProcess:
    """A process, not yet started, that runs `target` ("module:function") with
    `args` once Django is set up. Named, not passed: the function's module
    imports models, which a fresh process can do only after the setup."""
    connections.close_all()  # nothing of this process's connection goes along
    return CONTEXT.Process(target=_run, args=(_current_settings(), target, args))


def _current_settings() -> dict:
    """Every setting as it is now in this process (the test database's name in
    DATABASES, the fixtures' changes): the ones that can be sent."""
    current = {}
    for name in dir(settings):
        if name.isupper():
            value = getattr(settings, name)
            try:
                pickle.dumps(value)
            except (pickle.PicklingError, TypeError, AttributeError):
                continue
            current[name] = value
    return current


def _run(current_settings: dict, target: str, args: tuple) -> None:
    import django

    settings.configure(**current_settings)
    django.setup()
    module, function = target.split(":")
    getattr(importlib.import_module(module), function)(*args)
