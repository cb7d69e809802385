import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "datasud.settings")
application = get_wsgi_application()

# With the default in-process task queue, the web process also runs background tasks
# (ingestion...), including those left over from its previous run.
from datasud.taskqueue import start_inprocess_worker  # noqa: E402

start_inprocess_worker()

# The diagnostic engine (3-5 s to build, about 190 MB) is built in the background as the
# web process starts: the first visitor of a shared result link waited 11 s for it on the
# demo (the wizard's first page only warms it for those who start there).
# DATASUD_EMPLOYMENT_WARM_UP=0 turns both off (docs/operations.md). Likewise the metadata
# suggestion model (about 2 s; DATASUD_SUGGESTIONS_WARM_UP=0).
from datasud.employment.services import warm_up  # noqa: E402
from datasud.intelligence.services import warm_up as warm_up_suggestions  # noqa: E402

warm_up()
warm_up_suggestions()
