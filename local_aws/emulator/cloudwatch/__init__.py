"""CloudWatch inside the emulator: dashboards checked as PutDashboard checks them (`dashboards`),
metric alarms taken as PutMetricAlarm takes them and on the emulated clock (`alarms`), evaluated
against the datapoints put (`alarm_evaluation`) and notified to their SNS topics
(`alarm_notifications`), and the limits of PutMetricData (`quotas`)."""


def install_fills() -> None:
    """Patch moto's CloudWatch with the fills; once, before the server starts."""
    from local_aws.emulator.cloudwatch import alarms, dashboards

    for owner, attribute, replacement in dashboards.FILLS:
        setattr(owner, attribute, replacement)
    alarms.put_alarms_on_emulated_clock()


def evaluate_alarms() -> None:
    """Evaluate metric alarms on the emulated clock and notify their topics; once, in the emulator."""
    from local_aws.emulator.cloudwatch.alarm_evaluation import evaluate_alarms_on_clock
    from local_aws.emulator.cloudwatch.alarm_notifications import notify_state_change

    evaluate_alarms_on_clock(notify_state_change)
