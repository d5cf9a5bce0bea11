"""Step Functions inside the emulator.

- `responses`, `models`: what moto's API and backend lack (the fills), with the graph checks AWS
  makes of a definition (`definition_checks`) and a name for an unnamed execution;
- `integrations`, `waits`, `choice_rules`: fixes to moto's ASL interpreter: `.sync` integrations,
  calls signed with the state machine's role, Glue errors named as Step Functions names them, waits
  on the emulated clock, `StringMatches` as the States Language defines it;
- `dates`: an execution's dates and history on the emulated clock, as Glue's crawls and job runs;
- `execution_metrics`: the AWS/States metrics of executions started and ended;
- `quotas`: the payload quotas of executions and task tokens; `terminal_errors`: the errors
  `States.ALL` leaves uncaught.
"""


def install_fills() -> None:
    """Patch moto's Step Functions API with the fills; once, before the server starts."""
    from local_aws.emulator.stepfunctions import models, responses

    for owner, attribute, replacement in [*responses.FILLS, *models.FILLS]:
        setattr(owner, attribute, replacement)


def install_interpreter() -> None:
    """Patch moto's ASL interpreter; once, before any execution starts."""
    from local_aws.emulator.stepfunctions import choice_rules, dates, execution_metrics, integrations, models, waits

    integrations.fix_sync_integrations()
    integrations.return_job_runs_as_json()
    waits.wait_on_emulated_clock()
    dates.date_executions_on_emulated_clock()
    execution_metrics.put_execution_metrics()
    integrations.sign_service_calls_with_the_execution_role()
    integrations.name_glue_errors_as_step_functions_does()
    choice_rules.match_strings_as_the_states_language_does()
    models.name_unnamed_executions()
