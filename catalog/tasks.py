"""Celery tasks of the catalogue. E-mails about reservations go through the outbox: see catalog/notices.py."""
