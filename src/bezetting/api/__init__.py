"""The JSON API (FastAPI): one router per resource, errors mapped from the exception tree in
one place (:mod:`bezetting.api.errors`)."""
