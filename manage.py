#!/usr/bin/env python
import os
import sys

# Commands that only read code and the schema: they sign nothing, so they must not demand the
# production SECRET_KEY (a newcomer's `manage.py makemigrations --check` works on a clean checkout).
SIGNS_NOTHING = {"makemigrations", "check", "showmigrations", "sqlmigrate", "makemessages", "help", "version"}

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanad.settings")
    if len(sys.argv) > 1 and sys.argv[1] in SIGNS_NOTHING:
        os.environ.setdefault("SANAD_SECRET_KEY_UNUSED", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
