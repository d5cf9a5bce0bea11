"""What runs inside the emulator process: moto in server mode with every part of the local stack
installed into it, one package a service as moto lays them out — each service's fills of what moto
lacks, the Step Functions interpreter's fixes, the Glue crawler and job-run emulation, the Lambda
executor and EventBridge's delivery to it, IAM enforcement, AWS's quotas and naming rules (one
`quotas` module a service) and the control routes (`core`) — and an SDK's retry of an attempt whose
answer was lost answered with that answer (`core.retried_attempts`)."""

import contextlib
import os
import signal
import threading

from local_aws.clients import endpoint_url


def install_local_stack() -> None:
    """Patch this process's moto with the local stack; called once, before the server starts."""
    from moto.core.config import default_user_config

    from local_aws.emulator import cloudwatch, glue, lambda_, s3, stepfunctions
    from local_aws.emulator.cloudwatch.quotas import enforce_metric_data_limits
    from local_aws.emulator.core.control_routes import register_control_routes
    from local_aws.emulator.events.quotas import enforce_rule_limits
    from local_aws.emulator.events.reserved_sources import refuse_reserved_sources
    from local_aws.emulator.events.targets import deliver_to_lambda_targets
    from local_aws.emulator.glue.crawlers import emulate_crawlers
    from local_aws.emulator.glue.job_runs import emulate_job_runs
    from local_aws.emulator.glue.run_ends import listen
    from local_aws.emulator.glue.state_change_events import put_state_change
    from local_aws.emulator.glue.worker_types import refuse_unsupported_worker_types
    from local_aws.emulator.glue.workflow_runs import emulate_workflow_runs, on_run_ended
    from local_aws.emulator.iam.enforcement import enforce_iam
    from local_aws.emulator.iam.quotas import enforce_iam_quotas
    from local_aws.emulator.lambda_.quotas import enforce_invocation_quotas
    from local_aws.emulator.s3.bucket_names import enforce_bucket_naming_rules
    from local_aws.emulator.sns.quotas import enforce_publish_limits
    from local_aws.emulator.stepfunctions.quotas import enforce_payload_quotas
    from local_aws.emulator.stepfunctions.terminal_errors import leave_terminal_errors_uncaught
    from local_aws.executors.lambda_functions import execute_lambdas

    default_user_config["stepfunctions"] = {"execute_state_machine": True}
    # The order matters where two patches wrap one method: the fills before the emulation that uses
    # them, IAM and the quotas last, because they wrap the filled handlers.
    glue.install_fills()
    stepfunctions.install_fills()
    s3.install_fills()
    lambda_.install_fills()
    cloudwatch.install_fills()
    stepfunctions.install_interpreter()
    emulate_crawlers()
    emulate_job_runs()
    emulate_workflow_runs()
    listen(put_state_change)
    listen(on_run_ended)
    execute_lambdas()
    deliver_to_lambda_targets()
    cloudwatch.evaluate_alarms()
    enforce_iam()
    enforce_iam_quotas()
    enforce_rule_limits()
    refuse_reserved_sources()
    enforce_payload_quotas()
    leave_terminal_errors_uncaught()
    enforce_invocation_quotas()
    enforce_publish_limits()
    enforce_metric_data_limits()
    enforce_bucket_naming_rules()
    refuse_unsupported_worker_types()
    register_control_routes()


def serve(port: int) -> None:
    """Run the emulator in this process until SIGTERM or Ctrl-C."""
    # The Step Functions interpreter calls back into the emulator on MOTO_PORT.
    os.environ["MOTO_PORT"] = str(port)
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
    from werkzeug.serving import make_server

    from local_aws.emulator.core.retried_attempts import ReplayLostAnswers

    install_local_stack()
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    # moto's ThreadedMotoServer, with the application wrapped.
    app = ReplayLostAnswers(DomainDispatcherApplication(create_backend_app))
    server = make_server("127.0.0.1", port, app, threaded=True, request_handler=MotoRequestHandler)
    serving = threading.Thread(target=server.serve_forever, daemon=True)
    serving.start()
    print(f"local AWS emulator (moto) listening on {endpoint_url(port)}", flush=True)
    # SIGTERM may reach any thread (a Spark driver's starter, a request's); its handler runs only
    # when the main thread runs Python again, which a wait with no timeout never does: a demo
    # stopped early left its emulator waiting forever. Waking every second lets the handler run.
    with contextlib.suppress(KeyboardInterrupt):
        while not stopped.wait(timeout=1):
            pass
    server.shutdown()
    serving.join()
