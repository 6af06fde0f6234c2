//! Figures drawn as SVG with plotters: grouped bars and lines.

use super::figures::{Figure, Plot};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

const SIZE: (u32, u32) = (960, 420);
const COLOURS: [RGBColor; 8] = [
    RGBColor(31, 119, 180),
    RGBColor(174, 199, 232),
    RGBColor(214, 39, 40),
    RGBColor(255, 152, 150),
    RGBColor(44, 160, 44),
    RGBColor(152, 223, 138),
    RGBColor(148, 103, 189),
    RGBColor(255, 127, 14),
];

/// The figure as an SVG document, or `None` if it has no data.
pub fn render(f: &Figure) -> anyhow::Result<Option<String>> {
    let Some(plot) = &f.plot else {
        return Ok(None);
    };
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        root.fill(&WHITE).map_err(draw_err)?;
        match plot {
            Plot::Bars { categories, series } => {
                bars(&root, f, categories, series).map_err(draw_err)?
            }
            Plot::Lines { series } => lines(&root, f, series).map_err(draw_err)?,
        }
        root.present().map_err(draw_err)?;
    }
    Ok(Some(svg))
}

fn draw_err<E: std::fmt::Debug>(e: E) -> anyhow::Error {
    anyhow::anyhow!("drawing a figure: {e:?}")
}

type Area<'a> = DrawingArea<SVGBackend<'a>, plotters::coord::Shift>;
type DrawResult = Result<(), Box<dyn std::error::Error>>;

fn bars(
    root: &Area,
    f: &Figure,
    categories: &[String],
    series: &[super::figures::BarSeries],
) -> DrawResult {
    let to_y = |v: f64| if f.log_y { v.max(1e-3).log10() } else { v };
    let values = series
        .iter()
        .flat_map(|s| s.values.iter().flatten().copied());
    let top = values.clone().map(to_y).fold(f64::MIN, f64::max);
    let bottom = if f.log_y {
        values.map(to_y).fold(f64::MAX, f64::min).floor().min(0.0)
    } else {
        0.0
    };
    let top = if top > bottom {
        top + 0.1 * (top - bottom)
    } else {
        bottom + 1.0
    };
    let n = categories.len().max(1) as f64;
    let mut chart = ChartBuilder::on(root)
        .margin(10)
        .x_label_area_size(60)
        .y_label_area_size(70)
        .build_cartesian_2d(0f64..n, bottom..top)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(0)
        .y_desc(f.y_label.as_str())
        .y_label_formatter(&|v| {
            if f.log_y {
                format!("{}", 10f64.powf(*v))
            } else {
                format!("{v}")
            }
        })
        .draw()?;
    let width = 0.8 / series.len().max(1) as f64;
    for (k, s) in series.iter().enumerate() {
        let colour = COLOURS[k % COLOURS.len()];
        chart
            .draw_series(s.values.iter().enumerate().filter_map(|(i, v)| {
                let x0 = i as f64 + 0.1 + k as f64 * width;
                v.map(|v| Rectangle::new([(x0, bottom), (x0 + width, to_y(v))], colour.filled()))
            }))?
            .label(s.name.as_str())
            .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 10, y + 5)], colour.filled()));
    }
    let style = ("sans-serif", 13).into_font().color(&BLACK);
    for (i, c) in categories.iter().enumerate() {
        chart.draw_series(std::iter::once(
            EmptyElement::at((i as f64 + 0.5, bottom))
                + Text::new(
                    c.clone(),
                    (0, 8),
                    style.pos(Pos::new(HPos::Center, VPos::Top)),
                ),
        ))?;
    }
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .position(SeriesLabelPosition::UpperRight)
        .draw()?;
    Ok(())
}

fn lines(root: &Area, f: &Figure, series: &[super::figures::LineSeries]) -> DrawResult {
    let max_x = series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.0))
        .fold(0.0, f64::max)
        .max(1.0);
    let mut chart = ChartBuilder::on(root)
        .margin(10)
        .x_label_area_size(40)
        .y_label_area_size(60)
        .build_cartesian_2d(0f64..max_x * 1.05, 0f64..1.0)?;
    chart
        .configure_mesh()
        .x_desc(f.x_label.as_str())
        .y_desc(f.y_label.as_str())
        .draw()?;
    for (k, s) in series.iter().enumerate() {
        let colour = COLOURS[k % COLOURS.len()];
        chart
            .draw_series(LineSeries::new(
                s.points.iter().copied(),
                colour.stroke_width(2),
            ))?
            .label(s.name.as_str())
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 14, y)], colour.stroke_width(2))
            });
    }
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .position(SeriesLabelPosition::LowerRight)
        .draw()?;
    Ok(())
}
