"""JupyterHub configuration of the demo class (started by `make hub`, i.e. hub/classroom.py up).

Everything that depends on the machine (ports, folders, account names,
passwords) is read from the class's settings file, written by
``hub/classroom.py up`` and named by the environment variable RNN_HUB_SETTINGS;
this file only says how the parts fit together:

* accounts: the instructor, the course's grading account and the students are
  Unix users; LocalProcessSpawner starts each user's JupyterLab as that user;
* logging in: ``DemoAuthenticator`` below (one password per account, from the
  settings file). A real deployment replaces these few lines, and nothing
  else, with PAM, NativeAuthenticator or LTI 1.3 (see hub/README.md);
* nbgrader, as its documentation sets up several courses on one hub: the
  course's formgrader is a JupyterHub service run by the grading account in
  the course directory; the group ``formgrade-<course>`` may use it, the group
  ``nbgrader-<course>`` sees the course in the *Assignments* panel;
* which nbgrader extensions each user gets is decided by the Jupyter
  configuration folder put on their JUPYTER_CONFIG_PATH (students: Assignments
  and Validate only).
"""

import hmac
import json
import os

from jupyterhub.auth import Authenticator

c = get_config()  # noqa: F821  (provided by traitlets when JupyterHub loads this file)

with open(os.environ["RNN_HUB_SETTINGS"], encoding="utf-8") as fh:
    S = json.load(fh)

COURSE = S["course_id"]
INSTRUCTOR, GRADER, STUDENTS = S["instructor"], S["grader"], S["students"]


class DemoAuthenticator(Authenticator):
    """One password per account, from the settings file (demo only: use PAM, NativeAuthenticator or LTI)."""

    async def authenticate(self, handler, data):
        expected = S["passwords"].get(data.get("username", ""))
        given = data.get("password", "")
        if expected and hmac.compare_digest(expected.encode(), given.encode()):
            return data["username"]
        return None


# --- the hub on loopback, its state in the class folder -----------------------
c.JupyterHub.bind_url = f"http://127.0.0.1:{S['port']}"
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = S["hub_port"]
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{S['proxy_api_port']}"
c.ConfigurableHTTPProxy.command = [S["proxy_command"]]
c.ConfigurableHTTPProxy.pid_file = os.path.join(S["state_dir"], "proxy.pid")
c.JupyterHub.db_url = "sqlite:///" + os.path.join(S["state_dir"], "jupyterhub.sqlite")
c.JupyterHub.cookie_secret_file = os.path.join(S["state_dir"], "cookie_secret")
c.JupyterHub.pid_file = os.path.join(S["state_dir"], "jupyterhub.pid")
c.JupyterHub.cleanup_servers = True

# --- accounts -----------------------------------------------------------------
c.JupyterHub.authenticator_class = DemoAuthenticator
c.Authenticator.allowed_users = {INSTRUCTOR, *STUDENTS}
c.Authenticator.admin_users = {INSTRUCTOR}

c.JupyterHub.spawner_class = "jupyterhub.spawner.LocalProcessSpawner"
c.Spawner.cmd = [os.path.join(S["env"], "bin", "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab"
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120
# Only the single-user environment (never the course repository) on PATH.
ENV_PATH = os.path.join(S["env"], "bin") + ":/usr/local/bin:/usr/bin:/bin"


def _jupyter_config(role):
    return os.path.join(S["jupyter_config_dir"], role)


def pre_spawn_hook(spawner):
    """Each user's Jupyter configuration folder: students get Assignments and Validate only."""
    name = spawner.user.name
    role = "instructor" if name == INSTRUCTOR else "student"
    spawner.environment.update(
        {
            "PATH": ENV_PATH,
            "JUPYTER_CONFIG_PATH": _jupyter_config(role),
            "MPLBACKEND": "module://matplotlib_inline.backend_inline",
        }
    )


c.Spawner.pre_spawn_hook = pre_spawn_hook

# --- nbgrader: groups and roles, as nbgrader documents for several courses ----
c.JupyterHub.load_groups = {
    f"formgrade-{COURSE}": {"users": [INSTRUCTOR, GRADER]},
    f"nbgrader-{COURSE}": {"users": [INSTRUCTOR, *STUDENTS]},
}
c.JupyterHub.load_roles = [
    # A single-user server's token carries its owner's permissions, so that
    # nbgrader can read the user's groups (its course list) and find the
    # course's formgrader service.
    {"name": "server", "scopes": ["inherit"]},
    {
        "name": f"formgrade-{COURSE}",
        "groups": [f"formgrade-{COURSE}"],
        "scopes": [f"access:services!service={COURSE}", "list:services", f"read:services!service={COURSE}"],
    },
    {
        "name": f"nbgrader-{COURSE}",
        "groups": [f"nbgrader-{COURSE}"],
        "scopes": ["list:services", f"read:services!service={COURSE}"],
    },
    # The course's formgrader adds students to the course group (nbgrader's
    # JupyterHubAuthPlugin) when the instructor adds them in the formgrader.
    {
        "name": f"course-service-{COURSE}",
        "services": [COURSE],
        "scopes": ["read:users", "read:groups", "list:groups", "groups"],
    },
]

# The course's formgrader: a JupyterLab of the grading account, in the course
# directory, reached at /services/<course>/ by the formgrade group.
c.JupyterHub.services = [
    {
        "name": COURSE,
        "url": f"http://127.0.0.1:{S['service_port']}",
        "command": [os.path.join(S["env"], "bin", "jupyterhub-singleuser")],
        "user": GRADER,
        "cwd": S["course_dir"],
        "api_token": S["service_token"],
        "oauth_no_confirm": True,
        "environment": {
            "PATH": ENV_PATH,
            "HOME": S["grader_home"],
            "JUPYTER_CONFIG_PATH": _jupyter_config("grader"),
            "JUPYTERHUB_DEFAULT_URL": "/lab",
            "MPLBACKEND": "module://matplotlib_inline.backend_inline",
        },
    }
]
