# %% [markdown] cell_id="61c21c22"
# # Welcome: how to pair here
#
# You are two (or four) people building one small, real data product together:
# an **engineer** who knows software practice and an **analyst** who knows the
# business and the data. Each of you leaves knowing what the other knew.
#
# **Objectives**: agree roles and a rotation; know how the guide checks each step.
# **Time box**: 15 minutes.
#
# ## Roles
# - **Driver**: has the keyboard, types, runs cells, says out loud what they are doing.
# - **Navigator**: does not type; reads, thinks one step ahead, spots mistakes, looks things up.
#
# Swap roles every rotation (the guide's timer tells you when; 15 minutes is a good start).
#
# ## The guide
# The **Pairing guide** lists the steps of the open lesson. In JupyterLab it is in the left
# sidebar (the icon of two people); in Jupyter Notebook 7 it is on the left of the notebook
# (**View > Left Sidebar > Show Pairing guide** shows or hides it). Each step has a
# goal, a hint (ask for it) and a **Check** button that runs the step's checks on the notebook as
# saved: save first. A step turns done only when its checks pass. Click a step to see the cells it
# concerns. The same checks run from a terminal (`pairlab check 00-welcome.ipynb`) and in CI.

# %% [markdown] tags=["facilitator"]
# **Facilitator**: keep the first rotation short (the guide's 15 minutes) so both people drive
# before the first break. Ask the analyst to drive first: the engineer learns the domain by navigating.
# Start the pairing session in the guide now, so rotations and step times are recorded.

# %% [markdown]
# ## Meet (driver: the analyst; navigator: read the goal in the guide aloud)
# Replace the example names with yours (who drives first, who navigates), then run the cell
# (Shift+Enter) and save (Ctrl+S).

# %% tags=["step:meet"] cell_id="1c4ff254"
### BEGIN SOLUTION
pair = {
    "driver": "Maria (analyst)",
    "navigator": "Jon (engineer)",
}
### END SOLUTION
#> pair = {
#>     "driver": "Ana (analyst)",
#>     "navigator": "Eli (engineer)",
#> }
rotation_minutes = 15
assert all(pair.values()), "write both names"
print(
    f"{pair['driver']} drives first, {pair['navigator']} navigates; "
    f"swap every {rotation_minutes} minutes."
)

# %% [markdown] cell_id="18137a6a"
# ## The session plan
# Each lesson is one notebook with a time box; a full-day session covers lessons 0 to 4, a second
# day 5 to 8, a third 9 to 12.
#
# 0. Welcome (this notebook)
# 1. Explore the warehouse
# 2. Reuse before you build
# 3. Define the minimum viable data product
# 4. From cells to functions
# 5. First tests
# 6. Lint, format and read diffs
# 7. Pair the notebook with a script and put it under version control
# 8. Parameterize and run headless
# 9. Promote into a package
# 10. CI
# 11. Publish and measure
# 12. Teach it back
#
# ## Run it in order (navigator: watch the numbers in the brackets)
# Run the whole notebook top to bottom (Kernel -> Restart Kernel and Run All Cells) before you
# move on, then save. The brackets should read 1, 2, 3: what the notebook says is what it did.

# %% tags=["step:run-in-order"]
steps_today = ["meet", "run-in-order"]
print(f"{len(steps_today)} steps in this lesson; next: 01-explore.ipynb")
