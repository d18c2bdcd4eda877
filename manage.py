#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hoctap.settings")
    from django.core.management import execute_from_command_line

    from hoctap.audit.context import as_command

    # What a command writes is audited under a named system actor ("manage.py load_demo") and an id
    # of its own; a background job run by `db_worker` names the user who started it instead.
    with as_command(sys.argv):
        execute_from_command_line(sys.argv)
