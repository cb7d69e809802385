import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "datasud.settings")
application = get_asgi_application()

# With the default in-process task queue, the web process also runs background tasks
# (ingestion...), including those left over from its previous run.
from datasud.taskqueue import start_inprocess_worker  # noqa: E402

start_inprocess_worker()
