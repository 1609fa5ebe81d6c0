# The classroom JupyterHub on one server: plain JupyterHub, configurable-http-proxy and one
# system user per person. Every setting comes from classroom.yml (the file named by
# OSINTLAB_CLASSROOM, else the one beside this file), so the tests run this very file on
# loopback with temporary folders. What needs code lives in osintlab.classroom.
#
#   jupyterhub -f deploy/jupyterhub_config.py          (deploy/install.sh sets this up)
import os
import sys
from pathlib import Path

from osintlab import classroom

c = get_config()  # noqa: F821 (JupyterHub provides get_config)

settings = classroom.load_settings()
roster = classroom.read_roster(settings.roster, settings.language)
settings.state.mkdir(parents=True, exist_ok=True)
settings.state.chmod(0o711)  # people's servers read the generated config below; nothing else
classroom.write_role_config(settings)

# -- where it listens: browsers on `ip:port`; the hub and the proxy's API on loopback only
c.JupyterHub.bind_url = f"http://{settings.ip}:{settings.port}"
c.JupyterHub.hub_bind_url = f"http://127.0.0.1:{settings.hub_port}"
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{settings.proxy_api_port}"
proxy = settings.proxy or str(Path(__file__).with_name("node_modules") / ".bin"
                              / "configurable-http-proxy")
c.ConfigurableHTTPProxy.command = [proxy]
c.ConfigurableHTTPProxy.pid_file = str(settings.state / "jupyterhub-proxy.pid")
c.JupyterHub.db_url = f"sqlite:///{settings.state / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(settings.state / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(settings.state / "jupyterhub.pid")

# -- who may log in: the roster; the first login sets the password (min. 8 characters)
c.JupyterHub.authenticator_class = "firstuseauthenticator.FirstUseAuthenticator"
c.FirstUseAuthenticator.dbm_path = str(settings.state / "passwords.dbm")
c.FirstUseAuthenticator.create_users = False
c.FirstUseAuthenticator.min_password_length = 8
c.Authenticator.allowed_users = {m.username for m in roster}
c.Authenticator.admin_users = set()  # trainers grade in their own server; nobody is hub admin

# -- each person's server: their own system user, limits, language, nbgrader role
c.JupyterHub.spawner_class = "osintlab.classroom.ClassroomSpawner"
c.Spawner.notebook_dir = "~"
c.Spawner.default_url = "/lab"
c.Spawner.http_timeout = 120
c.Spawner.start_timeout = 120
if os.geteuid() != 0:
    sys.exit("The classroom hub starts servers as each person's system user: run it as root.")

# -- idle culling: a server nobody used for idle_timeout seconds is stopped (work is saved)
c.JupyterHub.load_roles = [
    {
        "name": "idle-culler",
        "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
        "services": ["idle-culler"],
    }
]
c.JupyterHub.services = [
    {
        "name": "idle-culler",
        "command": [sys.executable, "-m", "jupyterhub_idle_culler",
                    f"--timeout={settings.idle_timeout}", "--cull-every=60"],
    }
]

# -- an administration token for scripts (and the tests), only when one is given
admin_token = os.environ.get("OSINTLAB_HUB_ADMIN_TOKEN")
if admin_token:
    c.JupyterHub.services.append({"name": "osintlab-admin", "api_token": admin_token})
    c.JupyterHub.load_roles.append(
        {
            "name": "osintlab-admin",
            "scopes": ["admin:users", "admin:servers", "admin:server_state", "tokens",
                       "access:servers", "list:users"],
            "services": ["osintlab-admin"],
        }
    )
