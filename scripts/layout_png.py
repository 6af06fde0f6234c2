"""Renders a routed block to PNG with KLayout (PyPI `klayout`, in .venv):
OpenROAD's own `save_image` needs a Qt build, which PyPI's openroad is not.
Called by scripts/openroad_pnr.py; by hand:

    .venv/bin/python scripts/layout_png.py DEF PNG TECH_LEF CELL_LEF [MACRO_LEF ...]
"""

import sys

import klayout.db as db
import klayout.lay as lay


def render(def_path, png, lefs, dbu_um, size=1000):
    opt = db.LoadLayoutOptions()
    opt.lefdef_config.lef_files = list(lefs)
    # Cells drawn from their LEF abstracts (pins and obstructions).
    opt.lefdef_config.macro_resolution_mode = 1
    opt.lefdef_config.dbu = dbu_um
    view = lay.LayoutView()
    view.set_config("background-color", "#ffffff")
    view.set_config("text-visible", "false")
    view.set_config("grid-visible", "false")
    view.load_layout(def_path, opt, True)
    view.max_hier()
    view.zoom_fit()
    view.save_image(png, size, size)


if __name__ == "__main__":
    if len(sys.argv) < 5:
        raise SystemExit(__doc__)
    render(sys.argv[1], sys.argv[2], sys.argv[3:], 0.0005)
