"""A failed local job run reports the error a user needs, not the last line of a Java stack trace."""

from local_aws.executors.glue_jobs import error_message

PY4J_FAILURE = """26/11/24 09:01:02 WARN Utils: Your hostname resolves to a loopback address
Traceback (most recent call last):
  File "/tmp/local-glue/scripts/extract_job.py", line 40, in <module>
    sys.exit(main(sys.argv))
py4j.protocol.Py4JJavaError: An error occurred while calling o43.load.
: org.postgresql.util.PSQLException: Connection to 127.0.0.1:5432 refused. Check that the hostname and port are correct.
\tat org.postgresql.core.v3.ConnectionFactoryImpl.openConnectionImpl(ConnectionFactoryImpl.java:342)
Caused by: java.net.ConnectException: Connection refused
\tat java.base/sun.nio.ch.Net.pollConnect(Native Method)
"""


def test_a_jdbc_failure_reports_the_drivers_message() -> None:
    assert error_message(1, PY4J_FAILURE) == (
        "exited with status 1: org.postgresql.util.PSQLException: Connection to 127.0.0.1:5432 refused. "
        "Check that the hostname and port are correct."
    )


def test_a_python_failure_reports_its_exception() -> None:
    stderr = "Traceback (most recent call last):\n  File \"job.py\", line 3, in <module>\nKeyError: 'customer_id'\n"
    assert error_message(1, stderr) == "exited with status 1: KeyError: 'customer_id'"


def test_an_argument_error_reports_the_jobs_own_message() -> None:
    stderr = "cleanse_job: --run_id 'a b' must be 1-80 letters, digits, '.', '_' or '-', starting with a letter or digit.\n"
    assert error_message(2, stderr) == f"exited with status 2: {stderr.strip()}"
