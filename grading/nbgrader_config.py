# nbgrader settings shared by every cohort of the OSINT Investigations Lab.
# `osintlab grade init` copies this file into a new course folder and adds the cohort's
# course id and paths below it; nbgrader's own commands and the formgrader read it there.
c = get_config()  # noqa: F821 (nbgrader provides get_config)

# Only the graded exercise of a module is an nbgrader notebook; lessons travel with it as
# plain files (osintlab grade release copies them into the release).
c.CourseDirectory.notebook_id = "*-exercise"
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback"]

# What a trainee sees where an answer goes: plain words, in the language of the notebook.
c.ClearSolutions.code_stub = {"python": "# YOUR ANSWER HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# A cell that runs longer than this is stopped and scores zero; the rest still run.
c.Execute.timeout = 60
c.Execute.extra_arguments = ["--HistoryManager.hist_file=:memory:"]

# Feedback pages load nothing from the internet (offline classrooms): osintlab's templates come
# first and replace the CDN MathJax loader; nbgrader's own feedback template follows.
import os.path  # noqa: E402

import nbgrader  # noqa: E402
import osintlab.grading  # noqa: E402

c.HTMLExporter.extra_template_basedirs = [
    str(osintlab.grading.FEEDBACK_TEMPLATES),
    os.path.join(os.path.dirname(nbgrader.__file__), "server_extensions", "formgrader", "templates"),
]

# Feedback shows each check's message but never the hidden tests
# (plain nbgrader leaks them: jupyter/nbgrader#917, #1363).
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "osintlab.grading.HideHiddenTests",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]
