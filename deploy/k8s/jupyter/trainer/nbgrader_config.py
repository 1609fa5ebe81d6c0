# nbgrader for trainers: the course folder, mounted only in trainers' servers.
import os

c = get_config()  # noqa: F821 (nbgrader provides get_config)
c.CourseDirectory.root = "/srv/osintlab/course"
if os.path.isfile("/srv/osintlab/course/nbgrader_config.py"):  # made by `osintlab grade init`
    load_subconfig("/srv/osintlab/course/nbgrader_config.py")  # noqa: F821
