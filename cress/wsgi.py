import os

from django.core.wsgi import get_wsgi_application

from lib.request_body import LimitRequestBody

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cress.settings")
# Bodies over MAX_REQUEST_BODY_MB are refused before Django reads them (lib/request_body.py).
application = LimitRequestBody(get_wsgi_application())
