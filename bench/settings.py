"""Settings for Django running inside the benchmark process (``support.use_database``).

Production settings (DEBUG off, the real middleware, the database cache) so that the
figures are those of a deployment, except what an in-process test client cannot use:
HTTPS redirects, and hashed static files that would need ``collectstatic`` first.
"""

import os

os.environ.setdefault("CADENCE_DEBUG", "0")
os.environ.setdefault("CADENCE_HTTPS", "0")

from cadence.settings import *  # noqa: E402,F403

ALLOWED_HOSTS = ["testserver", "localhost"]
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
