"""Run a command line in a forked copy of the test process, as `subprocess.run` would.

Takes a ``main`` (``mkdocs`` or ``factcheck``), its arguments, a folder, an environment,
optional input and a timeout; gives a ``subprocess.CompletedProcess`` with the exit code,
stdout and stderr. The child is a process of its own: its folder, environment, logging,
warnings, exit handlers and any state a build leaves behind end with it, and a hang is
killed at the timeout. What it skips is starting Python and importing MkDocs, the theme
and the plugin again (about half of a small build's CPU time): the test process imported
them once, and every child inherits them.

What a fork cannot give, a real subprocess must test: interpreter start-up (``python -m``,
console scripts, ``PYTHONHASHSEED`` and other variables read at start), the memory of a
fresh process. Set ``FACTCHECK_TESTS_SUBPROCESS=1`` to run every command as a real
subprocess instead (the slow way, to compare).
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import importlib
import io
import locale
import logging
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import warnings
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import IO

import jinja2
import jinja2.bccache

Main = Callable[[list[str]], object]
REAL_SUBPROCESS = os.environ.get("FACTCHECK_TESTS_SUBPROCESS") == "1"
# Python's own warning filters (release build), which a fresh interpreter starts with.
DEFAULT_WARNINGS = (("default", DeprecationWarning, "__main__"), ("ignore", DeprecationWarning, ""),
                    ("ignore", PendingDeprecationWarning, ""), ("ignore", ImportWarning, ""),
                    ("ignore", ResourceWarning, ""))


def mkdocs_main(argv: list[str]) -> object:
    """`python -m mkdocs ...`: the click group, as its __main__ runs it."""
    import mkdocs.__main__

    return mkdocs.__main__.cli.main(argv, prog_name="python -m mkdocs")


def factcheck_main(argv: list[str]) -> object:
    """`factcheck ...`: the console script's entry point."""
    from mkdocs_factcheck import cli

    return cli.main(argv)


_preloaded = False
# What a build of a small site imports (the plugin, the theme, Markdown, social cards' fonts).
PRELOAD = ("mkdocs.__main__", "mkdocs.commands.build", "mkdocs.contrib.search", "material.plugins.search.plugin",
           "material.templates", "mkdocs_factcheck.cli", "mkdocs_factcheck.plugin", "pymdownx.highlight",
           "markdown.extensions.attr_list", "markdown.extensions.tables", "markdown.extensions.fenced_code",
           "PIL.ImageDraw", "PIL.ImageFont", "PIL.PngImagePlugin", "fontTools.ttLib")


def preload() -> None:
    """Import what every build needs, once, here: each child inherits it instead of importing
    it; and share the theme's compiled templates between children (``SharedTemplates``)."""
    global _preloaded
    if _preloaded:
        return
    _preloaded = True
    for name in PRELOAD:
        importlib.import_module(name)
    import mkdocs.theme

    cache = SharedTemplates(tempfile.mkdtemp(prefix="factcheck-tests-jinja-"))
    atexit.register(shutil.rmtree, cache.directory, ignore_errors=True)
    make_env = mkdocs.theme.Theme.get_env

    def get_env(theme: mkdocs.theme.Theme) -> jinja2.Environment:
        env = make_env(theme)
        env.bytecode_cache = cache
        return env

    mkdocs.theme.Theme.get_env = get_env  # type: ignore[method-assign]


class SharedTemplates(jinja2.FileSystemBytecodeCache):
    """The theme's templates compiled once for the whole test run, on disk, where every child
    finds what earlier ones compiled (material's forty-odd templates are a third of a small
    build). Jinja checks each template's source; the file name also carries the environment's
    compile-time settings, so a plugin that changes them gets its own compiled copies."""

    def _get_cache_filename(self, bucket: jinja2.bccache.Bucket) -> str:
        env = bucket.environment
        settings = (sorted(env.extensions), env.block_start_string, env.block_end_string,
                    env.variable_start_string, env.variable_end_string, env.comment_start_string,
                    env.comment_end_string, env.line_statement_prefix, env.line_comment_prefix,
                    env.trim_blocks, env.lstrip_blocks, env.newline_sequence, env.keep_trailing_newline,
                    env.optimized, _name(env.finalize), _name(env.autoescape), env.is_async)
        digest = hashlib.sha1(f"{bucket.key}|{settings!r}".encode()).hexdigest()
        return os.path.join(self.directory, self.pattern % digest)


def _name(value: object) -> str:
    return value if isinstance(value, (bool, type(None))) else getattr(value, "__qualname__", repr(value))  # type: ignore[return-value]


def run(main: Main, argv: Sequence[str], *, cwd: str | Path, env: Mapping[str, str] | None = None,
        input: str | None = None, timeout: float | None = None,
        command: Sequence[str] | None = None) -> subprocess.CompletedProcess[str]:
    """``main(argv)`` in a child process, with what ``subprocess.run(command, cwd=cwd, env=env,
    input=input, capture_output=True, text=True, timeout=timeout)`` would give. ``command`` is the
    real command line: it names the run in errors, and runs for real with FACTCHECK_TESTS_SUBPROCESS."""
    args = list(command or ["<forked>", *argv])
    preload()
    if REAL_SUBPROCESS and command:
        return subprocess.run(args, cwd=cwd, env=env, input=input, capture_output=True, text=True,
                              timeout=timeout)
    with tempfile.TemporaryFile() as stdin, tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        if input is not None:
            stdin.write(input.encode())
            stdin.seek(0)
        pid = os.fork()
        if pid == 0:  # the child: never returns into the test process
            code = 70
            try:
                code = _child(main, list(argv), Path(cwd), env, stdin, out, err, args[0])
            finally:
                os._exit(code)
        returncode = _wait(pid, timeout)
        stdout, stderr = _read(out), _read(err)
        if returncode is None:
            raise subprocess.TimeoutExpired(args, timeout or 0, stdout, stderr)
    return subprocess.CompletedProcess(args, returncode, stdout, stderr)


def _child(main: Main, argv: list[str], cwd: Path, env: Mapping[str, str] | None,
           stdin: IO[bytes], out: IO[bytes], err: IO[bytes], program: str) -> int:
    """Make this fork look like a fresh process, run ``main`` and return its exit code."""
    os.setpgid(0, 0)  # its own group: a timeout kills the workers a build forks, too
    for fd, file in ((0, stdin), (1, out), (2, err)):
        os.dup2(file.fileno(), fd)
    encoding = locale.getpreferredencoding(False)
    sys.stdin = sys.__stdin__ = io.TextIOWrapper(io.FileIO(0, "r", closefd=False), encoding)
    sys.stdout = sys.__stdout__ = io.TextIOWrapper(io.FileIO(1, "w", closefd=False), encoding)
    sys.stderr = sys.__stderr__ = io.TextIOWrapper(io.FileIO(2, "w", closefd=False), encoding,
                                                   errors="backslashreplace", line_buffering=True)
    os.chdir(cwd)
    if env is not None:
        os.environ.clear()
        os.environ.update(env)
    sys.argv = [program, *argv]
    _fresh_interpreter_state()
    try:
        code = _exit_code(main(argv))
    except SystemExit as stop:
        code = _exit_code(stop.code)
    except BaseException:
        traceback.print_exc()
        code = 1
    _shut_down()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    return code


def _fresh_interpreter_state() -> None:
    """Undo what the test run set process-wide: pytest's log handlers and warning filters,
    its exit handlers; and measure the terminal as a fresh `mkdocs` would (it wraps log lines)."""
    logging.root.handlers.clear()
    mkdocs_log = logging.getLogger("mkdocs")
    for handler in [h for h in mkdocs_log.handlers if h.name == "MkDocsStreamHandler"]:
        mkdocs_log.removeHandler(handler)  # a handler `mkdocs` made in this process, writing elsewhere
    build = sys.modules.get("mkdocs.commands.build")
    if build is not None:  # each `mkdocs` run adds a DuplicateFilter: keep none from an earlier run
        for duplicate in [f for f in build.log.filters if type(f).__name__ == "DuplicateFilter"]:
            build.log.removeFilter(duplicate)
    warnings.resetwarnings()
    for action, category, module in reversed(DEFAULT_WARNINGS):
        warnings.filterwarnings(action, category=category, module=module)  # type: ignore[arg-type]
    warnings.showwarning = warnings._showwarning_orig  # type: ignore[attr-defined]
    warnings._showwarnmsg_impl = _show_warning  # type: ignore[attr-defined]
    atexit._clear()
    signal.signal(signal.SIGINT, signal.default_int_handler)
    _clear_our_caches()
    if "mkdocs.__main__" in sys.modules:
        wrapper = sys.modules["mkdocs.__main__"].ColorFormatter.text_wrapper
        wrapper.width = shutil.get_terminal_size(fallback=(0, 0)).columns


def _clear_our_caches() -> None:
    """Empty the plugin's memoised functions (fonts, slugs, cards): tests that call the
    library here filled them, and a fresh process starts with none (a card drawn again, a
    font file read again, is what a build in a new process does)."""
    for name, module in list(sys.modules.items()):
        if name == "mkdocs_factcheck" or name.startswith("mkdocs_factcheck."):
            for value in list(vars(module).values()):
                if callable(getattr(value, "cache_clear", None)) and hasattr(value, "cache_info"):
                    value.cache_clear()


def _shut_down() -> None:
    """What the interpreter does on its way out: wait for the threads the run started, then
    run the exit handlers it registered."""
    try:
        threading._shutdown()  # type: ignore[attr-defined]
    finally:
        atexit._run_exitfuncs()


def _show_warning(message: warnings.WarningMessage) -> None:
    """Python's own way of printing a warning (pytest's run records them instead)."""
    sys.stderr.write(warnings.formatwarning(message.message, message.category, message.filename,  # type: ignore[arg-type]
                                            message.lineno, message.line))


def _exit_code(code: object) -> int:
    """The process exit status ``sys.exit(code)`` gives (None: 0, a number, else printed and 1)."""
    if code is None:
        return 0
    if isinstance(code, int) and not isinstance(code, bool):
        return code & 0xFF
    print(code, file=sys.stderr)
    return 1


def _wait(pid: int, timeout: float | None) -> int | None:
    """The child's exit code, or None after killing it (and its group) at the timeout."""
    deadline = None if timeout is None else time.monotonic() + timeout
    pidfd = os.pidfd_open(pid)
    try:
        while True:
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            ready, _, _ = select.select([pidfd], [], [], left)
            if ready:
                _, status = os.waitpid(pid, 0)
                return os.waitstatus_to_exitcode(status)
            if deadline is not None and time.monotonic() >= deadline:
                try:
                    os.killpg(pid, signal.SIGKILL)
                except ProcessLookupError:  # not yet in a group of its own
                    os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                return None
    finally:
        os.close(pidfd)


def _read(file: IO[bytes]) -> str:
    """The file as `text=True` reads a pipe: the locale's encoding, universal newlines."""
    file.seek(0)
    wrapper = io.TextIOWrapper(file, locale.getpreferredencoding(False))
    text = wrapper.read()
    wrapper.detach()  # the temporary file is closed by its owner
    return text
