"""bezetting's own job kinds; importing this package registers them on the default registry.

Adding a kind is a few lines in a new module here (and one import below)::

    @job("simulate")
    def simulate(params: Mapping[str, JSON], progress: ProgressReporter) -> JSON:
        \"\"\"Expected service level of a staffing plan, by simulation.\"\"\"
        plan = _parse(params)                       # InputError names the bad param
        for i, chunk in enumerate(chunks):
            ...                                     # call the core engine
            progress.report((i + 1) / len(chunks), f"{i + 1} of {len(chunks)} days")
        return {...}                                # plain JSON
"""

from bezetting.jobs.kinds.forecast import forecast_job
from bezetting.jobs.kinds.schedule import schedule_job
from bezetting.jobs.kinds.simulate import simulate_job
from bezetting.jobs.kinds.staffing import staffing_job

__all__ = ["forecast_job", "schedule_job", "simulate_job", "staffing_job"]
