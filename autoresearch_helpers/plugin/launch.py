"""The plugin's launcher: run the helper CLI on a machine that has only python3 >= 3.10.

Claude Code calls it as ``python3 ${CLAUDE_PLUGIN_ROOT}/autoresearch_helpers/plugin/launch.py ARGS``.
It uses the first of:

1. the running interpreter, when it is >= 3.10 and already imports ``autoresearch_helpers``
   of this plugin's version (the user installed it, or a development checkout);
2. the launcher's own virtualenv ``venv-<version>`` under ``$CLAUDE_PLUGIN_DATA``, else
   ``$XDG_DATA_HOME/autoresearch``, else ``~/.local/share/autoresearch`` — ready when its
   marker file names this version (no pip call on this path);
3. otherwise it creates that virtualenv once (under a lock, so concurrent first calls wait
   for one install), installs a copy of the plugin's source there (the plugin root is a
   read-only cache; setuptools writes build files into the source it builds), says so in
   one line on stderr, and writes the marker last.

Then it runs the helper: in this very process in case 1, else by replacing itself
(os.execv) with the venv's ``python -c BOOT ARGS``: unlike ``-m``, BOOT drops the current
directory from sys.path, so a user's file named like one of our modules never shadows it.

``--context`` (first argument) is for the ``!`` lines of the slash command, where a failure
aborts the whole command: it never installs (one line instead), runs the helper as a child,
prints its stdout and stderr together and always exits 0.

Standard library only: this file runs before any dependency exists.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile

try:
    import fcntl
except ImportError:  # Windows: no flock; the marker still guards a half install
    fcntl = None

PACKAGE = "autoresearch_helpers"
MARKER = ".autoresearch-installed"
BOOT = "import sys; del sys.path[0]; from autoresearch_helpers.cli import main; sys.exit(main(sys.argv[1:]))"
MIN_PYTHON = (3, 10)
SOURCE_IGNORE = (".git", "tests", "bench", "build", "dist", "*.egg-info", "__pycache__", "*.pyc",
                 ".venv", "venv", "node_modules", ".autoresearch", ".claude", ".pytest_cache")


class LaunchError(Exception):
    """The helper cannot be installed; the message says what to do."""


def plugin_root() -> str:
    """The plugin's folder: this file is <root>/autoresearch_helpers/plugin/launch.py."""
    return os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def read_version(root: str) -> str:
    """The version in ``autoresearch_helpers/__init__.py`` of the plugin at ``root``."""
    with open(os.path.join(root, PACKAGE, "__init__.py"), encoding="utf-8") as fh:
        for line in fh:
            name, sep, value = line.partition("=")
            value = value.strip()
            if (sep and name.strip() == "__version__" and len(value) > 2
                    and value[0] == value[-1] and value[0] in "\"'"):
                return value[1:-1]
    raise LaunchError(f"no __version__ in {root}/{PACKAGE}/__init__.py: the plugin copy is damaged; "
                      "reinstall it: /plugin install autoresearch")


def data_dir(env=None) -> str:
    env = os.environ if env is None else env
    if env.get("CLAUDE_PLUGIN_DATA"):
        return env["CLAUDE_PLUGIN_DATA"]
    base = env.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return os.path.join(base, "autoresearch")


def venv_python(venv: str) -> str:
    if os.name == "nt":
        return os.path.join(venv, "Scripts", "python.exe")
    return os.path.join(venv, "bin", "python")


def ready(venv: str, version: str) -> bool:
    """True when the virtualenv was fully installed for ``version`` (its marker says so)."""
    try:
        with open(os.path.join(venv, MARKER), encoding="utf-8") as fh:
            return fh.read().strip() == version and os.path.exists(venv_python(venv))
    except OSError:
        return False


def importable_here(version: str) -> bool:
    """True when this interpreter is recent enough and already imports our version."""
    if sys.version_info < MIN_PYTHON:
        return False
    try:
        module = __import__(PACKAGE)
    except Exception:
        return False
    return getattr(module, "__version__", None) == version


def find_base_python() -> str:
    """An interpreter >= 3.10 to build the virtualenv with: this one, else one on PATH."""
    if sys.version_info >= MIN_PYTHON:
        return sys.executable
    for minor in range(14, MIN_PYTHON[1] - 1, -1):
        found = shutil.which(f"python3.{minor}")
        if found:
            return found
    raise LaunchError(
        f"autoresearch needs Python >= 3.10, and {sys.executable} is "
        f"{sys.version_info[0]}.{sys.version_info[1]}; install a newer Python "
        "(https://www.python.org/downloads/) and rerun")


def _tail(text: str, lines: int = 5) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def _run(cmd: list, what: str, fix: str) -> None:
    try:
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    except OSError as exc:
        raise LaunchError(f"{what} failed: {exc}\nfix: {fix}") from None
    if proc.returncode != 0:
        raise LaunchError(f"{what} failed ({' '.join(cmd[:4])} ... exit {proc.returncode}):\n"
                          f"{_tail(proc.stdout)}\nfix: {fix}")


def _has_pip(venv: str) -> bool:
    python = venv_python(venv)
    if not os.path.exists(python):
        return False
    return subprocess.run([python, "-m", "pip", "--version"], stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL).returncode == 0


def copy_source(root: str, dest: str) -> str:
    """Copy what pip needs to build our package out of the read-only plugin root."""
    src = os.path.join(dest, "src")
    shutil.copytree(root, src, ignore=shutil.ignore_patterns(*SOURCE_IGNORE))
    readme = os.path.join(src, "README.md")
    if not os.path.exists(readme):  # pyproject.toml names it; a trimmed copy may lack it
        with open(readme, "w", encoding="utf-8") as fh:
            fh.write("autoresearch\n")
    return src


def install(root: str, venv: str, version: str) -> None:
    """Create ``venv`` and install the plugin's package into it, once, under a lock."""
    os.makedirs(os.path.dirname(venv), exist_ok=True)
    with open(venv + ".lock", "a") as lock:
        if fcntl is not None:
            fcntl.flock(lock.fileno(), fcntl.LOCK_EX)  # a concurrent first call waits here
        if ready(venv, version):
            return
        print(f"autoresearch: first run: installing the helper and its dependencies into {venv} "
              "(once, about a minute)", file=sys.stderr, flush=True)
        if not _has_pip(venv):  # else a previous install stopped in pip: reuse its venv
            shutil.rmtree(venv, ignore_errors=True)
            base = find_base_python()
            version_of_base = subprocess.run(
                [base, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                stdout=subprocess.PIPE, text=True).stdout.strip()
            _run([base, "-m", "venv", venv], "creating the virtualenv",
                 f"install the venv module (Debian/Ubuntu: sudo apt install "
                 f"python{version_of_base}-venv) and rerun")
        with tempfile.TemporaryDirectory(prefix="autoresearch-src-") as tmp:
            src = copy_source(root, tmp)
            _run([venv_python(venv), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                  "--no-input", src],
                 "installing the helper with pip",
                 "make the Python package index reachable for pip (behind a proxy: export "
                 "HTTPS_PROXY=...) and rerun "
                 "the same command")
        with open(os.path.join(venv, MARKER), "w", encoding="utf-8") as fh:
            fh.write(version + "\n")


def resolve(root: str, allow_install: bool) -> str | None:
    """The interpreter that runs the helper, installing it when allowed; None if absent."""
    version = read_version(root)
    if importable_here(version):
        return sys.executable
    venv = os.path.join(data_dir(), f"venv-{version}")
    if ready(venv, version):
        return venv_python(venv)
    if not allow_install:
        return None
    install(root, venv, version)
    return venv_python(venv)


def context(root: str, args: list) -> int:
    """Print the helper's output for a ``!`` line; never fail, never install."""
    try:
        python = resolve(root, allow_install=False)
    except LaunchError as exc:
        print(f"autoresearch: {exc}")
        return 0
    if python is None:
        print("autoresearch: the helper is not installed yet; the first autoresearch command "
              "installs it (once)")
        return 0
    try:
        proc = subprocess.run([python, "-c", BOOT, *args], stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True, timeout=120)
        print(proc.stdout.rstrip("\n") or f"autoresearch {' '.join(args)}: no output (exit {proc.returncode})")
    except (OSError, subprocess.TimeoutExpired) as exc:
        print(f"autoresearch {' '.join(args)}: could not run: {exc}")
    return 0


def main(argv=None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    root = plugin_root()
    # the helper's messages then say what to type here (vocab.typed)
    os.environ["AUTORESEARCH_LAUNCHER"] = os.path.abspath(__file__)
    if args[:1] == ["--context"]:
        return context(root, args[1:])
    try:
        python = resolve(root, allow_install=True)
    except LaunchError as exc:
        print(f"autoresearch: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:  # e.g. the data folder is not writable
        print(f"autoresearch: cannot install the helper: {exc}\n"
              f"fix: make {data_dir()} writable, or set XDG_DATA_HOME to a writable folder, "
              "and rerun", file=sys.stderr)
        return 1
    if python == sys.executable:
        from autoresearch_helpers.cli import main as helper_main  # importable only now

        return helper_main(args)
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(python, [python, "-c", BOOT, *args])
    return 1  # not reached: execv replaces this process


if __name__ == "__main__":
    sys.exit(main())
