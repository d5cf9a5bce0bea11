"""The one rule for a run id, which names the run's folders (raw/<prefix>/<table>/run_id=<id>/ and
the others): the state machine's first step (the resolve_run Lambda, whose package carries this
file), the extract and cleanse jobs and a Glue workflow's jobs judge a run id by it before any path is built from it."""

import re

# ASCII letters, digits, '.', '_' and '-': Spark escapes ':' and the like in partition folders, and
# '/' or '..' would lead out of the run's folder. Not starting with '.', '_' or '-' (hidden and
# temporary files to Spark and Hadoop); at most 80 characters, the longest execution name, which a
# run id defaults to.
RUN_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,79}", re.ASCII)
RUN_ID_RULE = "1-80 letters, digits, '.', '_' or '-' (ASCII), starting with a letter or digit"


def run_id_problem(run_id: object) -> str | None:
    """What is wrong with `run_id`, or None when it may name a run's folders."""
    if isinstance(run_id, str) and RUN_ID.fullmatch(run_id):
        return None
    return f"the run id {run_id!r} must be {RUN_ID_RULE}: it names the run's folders"
