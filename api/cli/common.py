"""What every CLI command shares: settings, one-line errors, progress bars."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from api.settings import Settings, get_settings
from geo.errors import GeoError
from traffic.errors import DomainError

F = TypeVar("F", bound=Callable[..., Any])
err_console = Console(stderr=True)


def settings() -> Settings:
    """The settings for this command."""
    return get_settings()


def fail(message: str, code: int = 2) -> None:
    """Print one clear line to standard error and exit."""
    err_console.print(f"[bold red]fel/error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def one_line_errors(fn: F) -> F:
    """Turn domain and geometry errors into a one-line message and exit code 2."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except (DomainError, GeoError) as exc:
            fail(str(exc))
        except (FileNotFoundError, IsADirectoryError, PermissionError) as exc:
            fail(f"{exc.filename}: {exc.strerror}")

    return wrapper  # type: ignore[return-value]


def progress() -> Progress:
    """A rich progress bar (quiet when standard error is not a terminal)."""
    return Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err_console,
        disable=not sys.stderr.isatty(),
    )
