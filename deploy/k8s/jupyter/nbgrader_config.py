# nbgrader in every server of the image: the shared exchange and the cohort's course id.
import os

c = get_config()  # noqa: F821 (nbgrader provides get_config)
c.Exchange.root = "/srv/nbgrader/exchange"
c.CourseDirectory.course_id = os.environ.get("OSINTLAB_COURSE_ID", "osint-lab")
