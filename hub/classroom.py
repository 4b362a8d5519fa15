"""A real class of the course on one machine: JupyterHub, Unix accounts, nbgrader's exchange.

Run as root, with the course environment's Python, from anywhere:

  python hub/classroom.py up        bring the demo class up, print its URL and accounts
  python hub/classroom.py release ID    the instructor generates and releases assignment ID
  python hub/classroom.py grade ID      collect, autograde (the course's class grading),
                                        generate and release feedback
  python hub/classroom.py down      stop everything and remove what `up` created

(`make hub`, `make hub-down`.) What `up` builds, all under one class folder
(default /srv/rnn-course-hub, option --root):

* ``env/``: the Python environment of the single-user servers, outside the
  repository, readable by everyone, holding the course helpers but never
  ``source/`` (reused when its requirements did not change; --env reuses another);
* Unix accounts with their own homes: an instructor, the course's grading
  account (owns the course directory and the gradebook: ``<home>/<course>``,
  which holds a copy of ``nbgrader_config.py`` and ``source/``, mode 700), and
  students; each gets a random password (printed, and kept in
  ``accounts.txt``, readable by root only);
* ``exchange/``: nbgrader's filesystem exchange (root-owned, sticky, world-writable);
* ``jupyter/<role>/``: the Jupyter configuration folder of each role
  (exchange, course list through JupyterHub groups, which nbgrader extensions
  are on);
* ``hub/``: JupyterHub's database, cookie secret, log, settings (root only).

While the class is up, the repository checkout is closed to everyone but root
(its folder's mode, put back by ``down``), because it holds every solution and
hidden test; the class grading runs as root, from the checkout.
"""

import argparse
import grp
import hashlib
import json
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

HUB_DIR = Path(__file__).resolve().parent
REPO = HUB_DIR.parent
COURSE_ID = "rnn-from-scratch"
DEFAULT_ROOT = Path("/srv/rnn-course-hub")
# Packages of the course environment that the single-user servers never need.

# JupyterLab defaults for every user of the hub (no news pop-up over the page).
LAB_OVERRIDES = {
    "@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False},
    # every cell of a notebook is rendered (assignments are short; find-in-page sees everything)
    "@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"},
}

# Which of nbgrader's extensions each role gets (JupyterLab plugins and server extensions).
NBGRADER_LAB = ("formgrader", "create-assignment", "course-list", "assignment-list", "validate-assignment")
ROLE_EXTENSIONS = {
    # the course's formgrader service (grading account, in the course directory)
    "grader": {"formgrader", "create-assignment", "course-list", "assignment-list", "validate-assignment"},
    # the instructor's own server: the course list leads to the formgrader service
    "instructor": {"create-assignment", "course-list", "assignment-list", "validate-assignment"},
    "student": {"assignment-list", "validate-assignment"},
}
SERVER_EXTENSION = {
    "formgrader": "formgrader",
    "course-list": "course_list",
    "assignment-list": "assignment_list",
    "validate-assignment": "validate_assignment",
}


# --------------------------------------------------------------------------- helpers


def log(msg):
    print(f"[classroom] {msg}", flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def settings_path(root):
    return Path(root) / "hub" / "settings.json"


def load_settings(root):
    path = settings_path(root)
    if not path.exists():
        raise SystemExit(f"no class at {root} (no {path}); start one with `up`")
    return json.loads(path.read_text())


def save_settings(s):
    path = settings_path(s["root"])
    path.write_text(json.dumps(s, indent=1))
    os.chmod(path, 0o600)


class AccountError(RuntimeError):
    """A Unix account of the class could not be created."""


def user_exists(name):
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


def can_create_users():
    """(True, "") when this process can create Unix users, else (False, why)."""
    if os.geteuid() != 0:
        return False, "creating the class's Unix users needs root"
    for tool in ("useradd", "userdel", "groupadd", "runuser"):
        if not shutil.which(tool):
            return False, f"`{tool}` is not installed"
    return True, ""


def user_env(s, role, user):
    """The environment of a command run as ``user`` (a course role) outside JupyterHub."""
    home = pwd.getpwnam(user).pw_dir
    return {
        "HOME": home,
        "USER": user,
        "LOGNAME": user,
        "LANG": "C.UTF-8",
        "PATH": f"{s['env']}/bin:/usr/local/bin:/usr/bin:/bin",
        "JUPYTER_CONFIG_PATH": str(Path(s["jupyter_config_dir"]) / role),
        "MPLBACKEND": "Agg",
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
    }


def run_as(user, cmd, env, cwd, check=True, timeout=None):
    """Run ``cmd`` as the Unix user ``user`` with exactly ``env``; returns the CompletedProcess."""
    full = ["runuser", "-u", user, "--", "env", "-i", *[f"{k}={v}" for k, v in env.items()], *cmd]
    proc = subprocess.run(full, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=timeout)
    if check and proc.returncode != 0:
        raise RuntimeError(
            f"{' '.join(map(str, cmd))} (as {user}) failed with {proc.returncode}:\n{proc.stdout[-4000:]}"
        )
    return proc


# --------------------------------------------------------------------------- the environment

HUB_LOCK = REPO / "requirements" / "hub.lock"  # the student environment plus JupyterHub, with hashes


def env_stamp():
    """Hash of what the environment is built from (the hub lock and the course helpers)."""
    h = hashlib.sha256(HUB_LOCK.read_bytes())
    helpers = REPO / "utils"
    for path in sorted(
        p
        for p in helpers.rglob("*")
        if p.is_file()
        and "egg-info" not in str(p)
        and "__pycache__" not in str(p)
        and "build" not in p.relative_to(helpers).parts
    ):
        h.update(str(path.relative_to(helpers)).encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def world_usable(path, bit=0o001):
    """True when others have ``bit`` (execute; 0o004: read) on ``path`` and can search every folder above it."""
    path = Path(os.path.realpath(path))
    if not os.stat(path).st_mode & bit:
        return False
    return all(os.stat(p).st_mode & 0o001 for p in path.parents)


def usable_python():
    """A Python 3.11 that the students' accounts can run (not one under root's home, as pyenv's)."""
    candidates = [sys.executable, shutil.which("python3.11"), "/usr/bin/python3.11", "/usr/local/bin/python3.11"]
    for c in candidates:
        if not c or not Path(c).exists():
            continue
        base = subprocess.run(
            [c, "-c", "import sys; print(sys.base_prefix)"], text=True, stdout=subprocess.PIPE
        ).stdout.strip()
        if world_usable(c) and world_usable(Path(base) / "lib" / "python3.11" / "os.py", 0o004):
            return c
    raise SystemExit("no Python 3.11 that every user can run was found (Debian: apt-get install python3.11-venv)")


def build_env(env):
    """Create (or reuse) the single-user Python environment at ``env``."""
    env = Path(env)
    stamp = env / ".rnn-hub-env"
    if stamp.exists() and stamp.read_text() == env_stamp():
        log(f"reusing the single-user environment {env}")
        write_lab_overrides(env)
        return
    log(f"building the single-user environment in {env} (a minute or two) ...")
    if env.exists():
        shutil.rmtree(env)
    python = usable_python()
    subprocess.run([python, "-m", "venv", str(env)], check=True)
    pip = [str(env / "bin" / "python"), "-m", "pip", "install", "--quiet"]
    subprocess.run(pip + ["--upgrade", "pip"], check=True)
    # The locked student environment plus JupyterHub, then the student helpers
    # as a plain copy (not editable): the environment holds no path into the
    # repository and no instructor package.
    subprocess.run(pip + ["--require-hashes", "--only-binary=:all:", "-r", str(HUB_LOCK)], check=True)
    helpers = REPO / "utils"
    subprocess.run(pip + ["--no-deps", str(helpers)], check=True)
    shutil.rmtree(helpers / "build", ignore_errors=True)
    for egg in helpers.glob("*.egg-info"):
        shutil.rmtree(egg, ignore_errors=True)
    write_lab_overrides(env)
    subprocess.run(["chmod", "-R", "a+rX", str(env)], check=True)
    stamp.write_text(env_stamp())


def write_lab_overrides(env):
    """JupyterLab's defaults for every user of the hub (users can still change them)."""
    settings = Path(env) / "share" / "jupyter" / "lab" / "settings"
    settings.mkdir(parents=True, exist_ok=True)
    (settings / "overrides.json").write_text(json.dumps(LAB_OVERRIDES, indent=1))
    os.chmod(settings / "overrides.json", 0o644)


# --------------------------------------------------------------------------- configuration


def write_jupyter_config(s):
    """One Jupyter configuration folder per role: nbgrader's exchange and extensions."""
    base = Path(s["jupyter_config_dir"])
    for role, enabled in ROLE_EXTENSIONS.items():
        d = base / role
        (d / "labconfig").mkdir(parents=True, exist_ok=True)
        lines = [
            f'"""nbgrader settings of the {role}s of the class (written by hub/classroom.py)."""',
            "import os",
            "c = get_config()  # noqa: F821",
            f"c.Exchange.root = {s['exchange']!r}",
            "c.Exchange.path_includes_course = True",
            "# Inside JupyterHub, a user's courses are their JupyterHub groups",
            "# (nbgrader-<course>, formgrade-<course>).",
            'if os.environ.get("JUPYTERHUB_API_TOKEN"):',
            '    c.Authenticator.plugin_class = "nbgrader.auth.JupyterHubAuthPlugin"',
        ]
        if role == "grader":
            lines += [f"c.CourseDirectory.root = {s['course_dir']!r}", f"c.CourseDirectory.course_id = {COURSE_ID!r}"]
        else:
            # The Validate button runs notebooks as the course configures it
            # (grading mode, time limits, short tracebacks); users outside the
            # grading account cannot read the course directory, so they get a
            # copy of those settings.
            lines += ["# The course's execution settings (from its nbgrader_config.py)."]
            lines += [f"c.Execute.{k} = {v!r}" for k, v in course_execute_settings().items()]
        (d / "nbgrader_config.py").write_text("\n".join(lines) + "\n")
        disabled = {f"@jupyter/nbgrader:{p}": True for p in NBGRADER_LAB if p not in enabled}
        (d / "labconfig" / "page_config.json").write_text(json.dumps({"disabledExtensions": disabled}, indent=1))
        server = {f"nbgrader.server_extensions.{mod}": key in enabled for key, mod in SERVER_EXTENSION.items()}
        (d / "jupyter_server_config.json").write_text(
            json.dumps({"ServerApp": {"jpserver_extensions": server}}, indent=1)
        )
    subprocess.run(["chmod", "-R", "a+rX", str(base)], check=True)


def course_execute_settings():
    """The ``Execute`` section of the course's nbgrader_config.py (no paths: safe to hand out)."""
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader("nbgrader_config.py", path=str(REPO)).load_config()
    return dict(config.Execute)


def make_course_dir(s):
    """The grading account's course directory: the course config and every assignment's source."""
    course = Path(s["course_dir"])
    course.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "nbgrader_config.py", course / "nbgrader_config.py")
    for a in sorted(p.name for p in (REPO / "source").iterdir() if p.is_dir()):
        if (REPO / "source" / a / f"{a}.ipynb").exists():
            shutil.copytree(
                REPO / "source" / a,
                course / "source" / a,
                dirs_exist_ok=True,
                ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"),
            )
    subprocess.run(["chown", "-R", f"{s['grader']}:{s['grader']}", str(course)], check=True)
    os.chmod(course, 0o700)


def close_repo(s):
    """Only root may enter the checkout while the class is up (it holds every solution)."""
    mode = os.stat(REPO).st_mode & 0o7777
    s["repo_mode"] = mode
    save_settings(s)
    os.chmod(REPO, mode & 0o7700)


def open_repo(s):
    if s.get("repo_mode") is not None and REPO.exists():
        os.chmod(REPO, s["repo_mode"])


# --------------------------------------------------------------------------- up / down


def up(root=DEFAULT_ROOT, prefix="rnn-", students=2, port=8000, homes="/home", env=None, quiet=False):
    """Bring the class up; returns its settings (a dict)."""
    ok, why = can_create_users()
    if not ok:
        raise SystemExit(f"cannot set up the class: {why}")
    root = Path(root).resolve()
    if settings_path(root).exists():
        raise SystemExit(f"a class is already set up at {root}; take it down first (`down`)")
    names = {
        "instructor": f"{prefix}instructor",
        "grader": f"{prefix}grader",
        "students": [f"{prefix}student{i + 1}" for i in range(students)],
    }
    everyone = [names["instructor"], names["grader"], *names["students"]]
    taken = [u for u in everyone if user_exists(u)]
    if taken:
        raise SystemExit(f"user(s) {', '.join(taken)} exist already; choose another --prefix")
    (root / "hub").mkdir(parents=True, exist_ok=True)
    os.chmod(root, 0o755)
    os.chmod(root / "hub", 0o700)
    homes = Path(homes)
    s = {
        "root": str(root),
        "course_id": COURSE_ID,
        "repo": str(REPO),
        **names,
        "created_users": [],
        "passwords": {u: secrets.token_urlsafe(9) for u in [names["instructor"], *names["students"]]},
        "port": port or free_port(),
        "hub_port": free_port(),
        "proxy_api_port": free_port(),
        "service_port": free_port(),
        "service_token": secrets.token_hex(32),
        "state_dir": str(root / "hub"),
        "jupyter_config_dir": str(root / "jupyter"),
        "exchange": str(root / "exchange"),
        "env": str(Path(env).resolve() if env else root / "env"),
        "homes": str(homes),
        "grader_home": str(homes / names["grader"]),
        "course_dir": str(homes / names["grader"] / COURSE_ID),
        "proxy_command": str(HUB_DIR / "node_modules" / ".bin" / "configurable-http-proxy"),
    }
    save_settings(s)
    try:
        if not Path(s["proxy_command"]).exists():
            log("installing configurable-http-proxy (npm ci in hub/) ...")
            subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--silent"], cwd=HUB_DIR, check=True)
        build_env(s["env"])
        homes.mkdir(parents=True, exist_ok=True)
        for user in everyone:
            made = subprocess.run(
                [
                    "useradd",
                    "--create-home",
                    "--home-dir",
                    str(homes / user),
                    "--shell",
                    "/bin/bash",
                    "--user-group",
                    user,
                ],
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
            if made.returncode != 0:
                raise AccountError(f"useradd {user} failed: {made.stdout.strip()}")
            s["created_users"].append(user)
            save_settings(s)
            os.chmod(homes / user, 0o700)
        exchange = Path(s["exchange"])
        exchange.mkdir(exist_ok=True)
        os.chown(exchange, 0, 0)
        os.chmod(exchange, 0o1777)
        write_jupyter_config(s)
        make_course_dir(s)
        close_repo(s)
        start_hub(s)
        lines = [f"  {u:<24} password {s['passwords'][u]}" for u in [s["instructor"], *s["students"]]]
        fd = os.open(root / "accounts.txt", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(f"{url(s)}\n" + "\n".join(lines) + "\n")
    except BaseException:
        down(root, quiet=True)
        raise
    if not quiet:
        print(f"\nThe class is up at {url(s)}  (log: {s['state_dir']}/jupyterhub.log)\n")
        print("Accounts (also in " + str(root / "accounts.txt") + ", readable by root only):")
        print("  instructor  " + lines[0].strip())
        for line in lines[1:]:
            print("  student     " + line.strip())
        print(f"\nThe course's formgrader: {url(s)}/services/{COURSE_ID}/formgrader (as the instructor)")
        print("Release an assignment:   make hub-release ID=01_rnn_forward")
        print("Grade it after the deadline (collect, autograde, feedback): make hub-grade ID=01_rnn_forward")
        print("Take the class down:     make hub-down")
    return s


def url(s):
    return f"http://127.0.0.1:{s['port']}"


def start_hub(s):
    logf = open(Path(s["state_dir"]) / "jupyterhub.log", "a")
    env = {
        "PATH": f"{s['env']}/bin:/usr/local/bin:/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "HOME": s["state_dir"],
        "RNN_HUB_SETTINGS": str(settings_path(s["root"])),
    }
    proc = subprocess.Popen(
        [f"{s['env']}/bin/jupyterhub", "-f", str(HUB_DIR / "jupyterhub_config.py")],
        cwd=s["state_dir"],
        env=env,
        stdout=logf,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    s["hub_pid"] = proc.pid
    save_settings(s)
    deadline = time.monotonic() + 120
    while True:
        if proc.poll() is not None:
            raise RuntimeError(
                f"JupyterHub exited with {proc.returncode}:\n"
                + (Path(s["state_dir"]) / "jupyterhub.log").read_text()[-4000:]
            )
        try:
            with urllib.request.urlopen(f"{url(s)}/hub/api", timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(
                "JupyterHub did not answer in 120 s:\n" + (Path(s["state_dir"]) / "jupyterhub.log").read_text()[-4000:]
            )
        time.sleep(0.5)


def _kill_group(pid, sig):
    try:
        os.killpg(pid, sig)
        return True
    except (ProcessLookupError, PermissionError):
        return False


def kill_processes_of(users):
    """SIGKILL every process owned by one of ``users`` (accounts this script created), by pid."""
    uids = set()
    for user in users:
        try:
            uids.add(pwd.getpwnam(user).pw_uid)
        except KeyError:
            pass
    for _ in range(3):
        found = False
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                if entry.stat().st_uid in uids:
                    os.kill(int(entry.name), signal.SIGKILL)
                    found = True
            except (FileNotFoundError, ProcessLookupError, PermissionError):
                pass
        if not found:
            return
        time.sleep(0.3)


def down(root=DEFAULT_ROOT, quiet=False):
    """Stop the hub and every process of the class's users; remove users, homes, exchange, state."""
    root = Path(root).resolve()
    path = settings_path(root)
    if not path.exists():
        if not quiet:
            log(f"no class at {root}")
        return
    s = json.loads(path.read_text())
    pid = s.get("hub_pid")
    if pid and _kill_group(pid, signal.SIGTERM):
        for _ in range(60):
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.25)
        _kill_group(pid, signal.SIGKILL)
    # The proxy and the single-user servers may outlive the hub: end them by their owner / pid file.
    proxy_pid = Path(s["state_dir"]) / "proxy.pid"
    if proxy_pid.exists():
        try:
            os.kill(int(proxy_pid.read_text().strip()), signal.SIGKILL)
        except (ValueError, ProcessLookupError):
            pass
    kill_processes_of(s.get("created_users", []))
    open_repo(s)
    for user in s.get("created_users", []):
        subprocess.run(["userdel", "--remove", user], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        home = Path(s["homes"]) / user
        if home.exists():
            shutil.rmtree(home, ignore_errors=True)
        try:
            grp.getgrnam(user)
            subprocess.run(["groupdel", user], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        except KeyError:
            pass
    for sub in ("exchange", "jupyter", "hub", "accounts.txt"):
        p = root / sub
        if p.is_dir():
            shutil.rmtree(p, ignore_errors=True)
        elif p.exists():
            p.unlink()
    if not quiet:
        log(
            f"class at {root} taken down (users, homes, exchange and hub state removed; "
            f"the environment {s['env']} is kept for the next `up`)"
        )


# --------------------------------------------------------------------------- the instructor's steps


def grader_run(s, cmd, check=True, timeout=None):
    return run_as(s["grader"], cmd, user_env(s, "grader", s["grader"]), s["course_dir"], check=check, timeout=timeout)


def nbgrader(s, *args, check=True):
    return grader_run(s, [f"{s['env']}/bin/nbgrader", *args], check=check)


def release(s, assignment):
    """generate_assignment, then release_assignment to the exchange (as the grading account)."""
    nbgrader(s, "generate_assignment", assignment, "--force")
    return nbgrader(s, "release_assignment", assignment, "--force").stdout


def class_grading_command(collected, course_dir, assignment):
    """The course's own class grading (sandbox, integrity guard, parallel workers, feedback).

    The one place the hub calls it; it runs as root (the sandbox gives every
    student's kernel a user id of its own) from the repository root.
    """
    return [
        str(REPO / ".venv" / "bin" / "rnn-course"),
        "grade",
        str(collected),
        "--course",
        str(course_dir),
        "--assignments",
        assignment,
    ]


def grade(s, assignment):
    """Collect, autograde with the course's class grading, release the feedback. Returns the outputs."""
    out = {"collect": nbgrader(s, "collect", assignment, "--update").stdout}
    course = Path(s["course_dir"])
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "RNN_COURSE_ONLY"))}
    env["PATH"] = f"{REPO / '.venv' / 'bin'}:{env.get('PATH', '/usr/bin:/bin')}"
    proc = subprocess.run(
        class_grading_command(course / "submitted", course, assignment),
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=1800,
    )
    # Everything grading wrote in the course directory belongs to the grading account.
    subprocess.run(["chown", "-R", f"{s['grader']}:{s['grader']}", str(course)], check=True)
    out["grade"] = proc.stdout
    if proc.returncode != 0:
        raise RuntimeError(f"class grading failed with {proc.returncode}:\n{proc.stdout[-4000:]}")
    out["release_feedback"] = nbgrader(s, "release_feedback", assignment).stdout
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="hub/classroom.py", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--root", default=str(DEFAULT_ROOT), help="the class folder")
    sub = parser.add_subparsers(dest="command", required=True)
    p_up = sub.add_parser("up", help="bring the demo class up")
    p_up.add_argument("--prefix", default="rnn-", help="prefix of the Unix account names")
    p_up.add_argument("--students", type=int, default=2)
    p_up.add_argument("--port", type=int, default=8000, help="the hub's port on 127.0.0.1 (0: any free)")
    p_up.add_argument("--homes", default="/home", help="where the accounts' homes are made")
    p_up.add_argument("--env", help="an existing single-user environment to use")
    sub.add_parser("down", help="stop the class and remove what `up` created")
    for name in ("release", "grade"):
        p = sub.add_parser(name)
        p.add_argument("assignment")
    args = parser.parse_args(argv)
    if args.command == "up":
        up(args.root, args.prefix, args.students, args.port, args.homes, args.env)
    elif args.command == "down":
        down(args.root)
    elif args.command == "release":
        print(release(load_settings(args.root), args.assignment))
    elif args.command == "grade":
        for step, text in grade(load_settings(args.root), args.assignment).items():
            print(f"== {step} ==\n{text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
