//! Chart geometry, pure and unit-tested: round axis limits and their ticks, linear
//! scales, where each bar of a bar chart goes, and the shares of a horizontal bar. The
//! SVG views (`pages::dashboard::charts`) only draw what these compute. Values are
//! `f64` here because they are pixel positions: every figure the user reads is
//! formatted from the API's decimal strings, never from these.

/// An axis from `min` to `max` (both round numbers) with a tick every `step`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Axis {
    pub min: f64,
    pub max: f64,
    pub step: f64,
}

/// The round step (1, 2, 2.5 or 5 × 10ⁿ) at or above `raw`.
pub fn nice_step(raw: f64) -> f64 {
    if !raw.is_finite() || raw <= 0.0 {
        return 1.0;
    }
    // 10ⁿ ≤ raw < 10ⁿ⁺¹, by steps (no log10/powf: smaller wasm, exact powers of ten).
    let mut magnitude = 1.0;
    while magnitude * 10.0 <= raw {
        magnitude *= 10.0;
    }
    while magnitude > raw {
        magnitude /= 10.0;
    }
    let fraction = raw / magnitude;
    let nice = [1.0, 2.0, 2.5, 5.0, 10.0].into_iter().find(|n| fraction <= n + 1e-9).unwrap_or(10.0);
    nice * magnitude
}

impl Axis {
    /// The axis holding every value and zero, with about `ticks` steps (at least one):
    /// ends on round numbers, so 0–1,234 becomes 0–1,500 by 500 (with 3 ticks). Only
    /// zeros (or nothing) give 0–1.
    pub fn covering(values: impl IntoIterator<Item = f64>, ticks: u32) -> Axis {
        let (mut lo, mut hi) = (0f64, 0f64);
        for v in values.into_iter().filter(|v| v.is_finite()) {
            lo = lo.min(v);
            hi = hi.max(v);
        }
        if hi - lo <= 0.0 {
            return Axis { min: 0.0, max: 1.0, step: 1.0 };
        }
        let step = nice_step((hi - lo) / f64::from(ticks.max(1)));
        // Rounded outwards; a hair of tolerance so 1000 / 250 is 4, not 4.0000001.
        let min = (lo / step + 1e-9).floor() * step;
        let max = (hi / step - 1e-9).ceil() * step;
        Axis { min, max, step }
    }

    /// The tick values, `min` to `max`.
    pub fn ticks(&self) -> Vec<f64> {
        let n = ((self.max - self.min) / self.step).round() as i64;
        (0..=n.max(0)).map(|i| clean(self.min + i as f64 * self.step)).collect()
    }
}

/// Rounds away float noise (0.1 + 0.2) from a tick value.
fn clean(v: f64) -> f64 {
    let r = (v * 1e6).round() / 1e6;
    if r == 0.0 {
        0.0
    } else {
        r
    }
}

/// A linear map from a domain of values to a range of pixels (`to` may be below
/// `from`, as for a y axis that grows upwards).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Scale {
    pub domain: (f64, f64),
    pub range: (f64, f64),
}

impl Scale {
    pub fn new(domain: (f64, f64), range: (f64, f64)) -> Self {
        Scale { domain, range }
    }

    pub fn at(&self, v: f64) -> f64 {
        let (d0, d1) = self.domain;
        let (r0, r1) = self.range;
        if d1 == d0 {
            return r0;
        }
        r0 + (v - d0) / (d1 - d0) * (r1 - r0)
    }
}

/// The drawing area of a chart inside its view box: margins for the axis labels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Frame {
    pub width: f64,
    pub height: f64,
    pub left: f64,
    pub right: f64,
    pub top: f64,
    pub bottom: f64,
}

impl Frame {
    pub fn plot_left(&self) -> f64 {
        self.left
    }
    pub fn plot_right(&self) -> f64 {
        self.width - self.right
    }
    pub fn plot_top(&self) -> f64 {
        self.top
    }
    pub fn plot_bottom(&self) -> f64 {
        self.height - self.bottom
    }
}

/// A bar in view-box units.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BarBox {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
    /// The middle of the bar's slot, where its label goes.
    pub center: f64,
}

/// The geometry of a vertical bar chart of `values` in `frame`: its axis, the y of
/// each tick, and one box per value (a negative value hangs below the zero line).
#[derive(Clone, Debug, PartialEq)]
pub struct Bars {
    pub axis: Axis,
    /// `(value, y)` of each tick.
    pub ticks: Vec<(f64, f64)>,
    /// The y of the zero line.
    pub baseline: f64,
    pub bars: Vec<BarBox>,
}

/// Lays out `values` as bars: equal slots across the plot, each bar `fill` (0–1) of its
/// slot, centred; heights on a round axis of about `ticks` steps.
pub fn bars(values: &[f64], frame: Frame, ticks: u32, fill: f64) -> Bars {
    let axis = Axis::covering(values.iter().copied(), ticks);
    let y = Scale::new((axis.min, axis.max), (frame.plot_bottom(), frame.plot_top()));
    let baseline = y.at(0.0);
    let slot = (frame.plot_right() - frame.plot_left()) / values.len().max(1) as f64;
    let width = (slot * fill.clamp(0.05, 1.0)).max(0.5);
    let bars = values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let v = if v.is_finite() { *v } else { 0.0 };
            let center = frame.plot_left() + slot * (i as f64 + 0.5);
            let top = y.at(v.max(0.0));
            let bottom = y.at(v.min(0.0));
            BarBox { x: center - width / 2.0, y: top, width, height: (bottom - top).max(0.0), center }
        })
        .collect();
    Bars { ticks: axis.ticks().into_iter().map(|t| (t, y.at(t))).collect(), baseline, axis, bars }
}

/// Which of `count` category labels to print so that at most `room` show, evenly
/// spaced, the first always (and the last when it fits the spacing).
pub fn label_every(count: usize, room: usize) -> usize {
    if room == 0 || count == 0 {
        return 1;
    }
    count.div_ceil(room).max(1)
}

/// `part` of `whole` as a share of a bar's length, 0–100 (%), never below a visible
/// sliver for a part that is not zero.
pub fn share(part: f64, whole: f64) -> f64 {
    if whole <= 0.0 || part <= 0.0 || !part.is_finite() || !whole.is_finite() {
        return 0.0;
    }
    (part / whole * 100.0).clamp(1.0, 100.0)
}

/// An axis label, short: `950`, `1.5k`, `12k`, `2.5M`, `-300`.
pub fn compact(v: f64) -> String {
    let a = v.abs();
    let sign = if v < 0.0 { "-" } else { "" };
    let (n, unit) = if a >= 1e9 {
        (a / 1e9, "B")
    } else if a >= 1e6 {
        (a / 1e6, "M")
    } else if a >= 1e3 {
        (a / 1e3, "k")
    } else {
        (a, "")
    };
    format!("{sign}{}{unit}", num(n))
}

/// A number as SVG or label text: two decimals at most, no trailing zeros (written
/// from integers: the float formatting of `core::fmt` would weigh on the wasm).
pub fn num(v: f64) -> String {
    let hundredths = (v * 100.0).round() as i64;
    let sign = if hundredths < 0 { "-" } else { "" };
    let (int, frac) = (hundredths.unsigned_abs() / 100, hundredths.unsigned_abs() % 100);
    match frac {
        0 => format!("{sign}{int}"),
        f if f % 10 == 0 => format!("{sign}{int}.{}", f / 10),
        f => format!("{sign}{int}.{f:02}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FRAME: Frame = Frame { width: 500.0, height: 200.0, left: 50.0, right: 10.0, top: 10.0, bottom: 30.0 };

    #[test]
    fn steps_are_round() {
        assert_eq!(nice_step(0.0), 1.0);
        assert_eq!(nice_step(1.0), 1.0);
        assert_eq!(nice_step(1.2), 2.0);
        assert_eq!(nice_step(2.2), 2.5);
        assert_eq!(nice_step(3.0), 5.0);
        assert_eq!(nice_step(7.0), 10.0);
        assert_eq!(nice_step(411.0), 500.0);
        assert_eq!(nice_step(0.03), 0.05);
        assert_eq!(nice_step(f64::NAN), 1.0);
    }

    #[test]
    fn axis_ends_on_round_numbers_above_the_largest_value() {
        let a = Axis::covering([120.0, 1234.0, 80.0], 4);
        assert_eq!(a, Axis { min: 0.0, max: 1500.0, step: 500.0 });
        assert_eq!(a.ticks(), vec![0.0, 500.0, 1000.0, 1500.0]);
        // A maximum that is already round is kept, not pushed a step up.
        assert_eq!(Axis::covering([1000.0], 4), Axis { min: 0.0, max: 1000.0, step: 250.0 });
        assert_eq!(Axis::covering([7.0], 4).max, 8.0);
    }

    #[test]
    fn axis_reaches_below_zero_for_negative_values() {
        let a = Axis::covering([-300.0, 900.0], 4);
        assert_eq!((a.min, a.max, a.step), (-500.0, 1000.0, 500.0));
        assert_eq!(a.ticks(), vec![-500.0, 0.0, 500.0, 1000.0]);
    }

    #[test]
    fn an_empty_or_flat_axis_is_zero_to_one() {
        assert_eq!(Axis::covering([], 4), Axis { min: 0.0, max: 1.0, step: 1.0 });
        assert_eq!(Axis::covering([0.0, 0.0], 4), Axis { min: 0.0, max: 1.0, step: 1.0 });
        assert_eq!(Axis::covering([f64::NAN], 4).max, 1.0);
    }

    #[test]
    fn small_steps_give_clean_ticks() {
        let a = Axis::covering([0.3], 3);
        assert_eq!(a.ticks(), vec![0.0, 0.1, 0.2, 0.3]);
    }

    #[test]
    fn scales_map_linearly_and_may_flip() {
        let y = Scale::new((0.0, 100.0), (200.0, 0.0));
        assert_eq!(y.at(0.0), 200.0);
        assert_eq!(y.at(100.0), 0.0);
        assert_eq!(y.at(25.0), 150.0);
        assert_eq!(Scale::new((5.0, 5.0), (0.0, 10.0)).at(5.0), 0.0);
    }

    #[test]
    fn bars_fill_equal_slots_and_stand_on_the_baseline() {
        let b = bars(&[100.0, 50.0, 0.0, 200.0], FRAME, 4, 0.5);
        assert_eq!(b.axis, Axis { min: 0.0, max: 200.0, step: 50.0 });
        assert_eq!(b.baseline, 170.0);
        // The plot is 440 wide: 4 slots of 110, bars of 55 centred in them.
        assert_eq!(b.bars[0], BarBox { x: 77.5, y: 90.0, width: 55.0, height: 80.0, center: 105.0 });
        assert_eq!(b.bars[1].center, 215.0);
        assert_eq!((b.bars[2].y, b.bars[2].height), (170.0, 0.0));
        assert_eq!((b.bars[3].y, b.bars[3].height), (10.0, 160.0));
        assert_eq!(b.ticks.first(), Some(&(0.0, 170.0)));
        assert_eq!(b.ticks.last(), Some(&(200.0, 10.0)));
        for bar in &b.bars {
            assert_eq!(bar.y + bar.height, 170.0, "every bar ends on the baseline");
        }
    }

    #[test]
    fn a_negative_bar_hangs_below_zero() {
        let b = bars(&[-50.0, 150.0], FRAME, 4, 0.8);
        assert_eq!((b.axis.min, b.axis.max), (-50.0, 150.0));
        let zero = b.baseline;
        assert_eq!(b.bars[0].y, zero);
        assert!(b.bars[0].height > 0.0);
        assert_eq!(b.bars[1].y + b.bars[1].height, zero);
        assert!(b.bars[0].y + b.bars[0].height <= FRAME.plot_bottom() + 1e-9);
    }

    #[test]
    fn no_values_no_bars() {
        let b = bars(&[], FRAME, 4, 0.5);
        assert!(b.bars.is_empty());
        assert_eq!(b.axis.max, 1.0);
    }

    #[test]
    fn labels_thin_out_to_fit() {
        assert_eq!(label_every(7, 10), 1);
        assert_eq!(label_every(30, 8), 4);
        assert_eq!(label_every(90, 8), 12);
        assert_eq!(label_every(0, 8), 1);
        assert_eq!(label_every(5, 0), 1);
    }

    #[test]
    fn shares_are_percent_with_a_visible_minimum() {
        assert_eq!(share(50.0, 200.0), 25.0);
        assert_eq!(share(200.0, 200.0), 100.0);
        assert_eq!(share(0.0, 200.0), 0.0);
        assert_eq!(share(1.0, 100_000.0), 1.0);
        assert_eq!(share(5.0, 0.0), 0.0);
    }

    #[test]
    fn compact_labels() {
        assert_eq!(compact(0.0), "0");
        assert_eq!(compact(950.0), "950");
        assert_eq!(compact(1500.0), "1.5k");
        assert_eq!(compact(12_000.0), "12k");
        assert_eq!(compact(2_500_000.0), "2.5M");
        assert_eq!(compact(-300.0), "-300");
        assert_eq!(compact(0.25), "0.25");
        assert_eq!(compact(125_000.0), "125k");
        assert_eq!(compact(1234.0), "1.23k");
    }

    #[test]
    fn svg_numbers_are_short() {
        assert_eq!(num(12.0), "12");
        assert_eq!(num(12.3456), "12.35");
        assert_eq!(num(-0.001), "0");
        assert_eq!(num(77.5), "77.5");
        assert_eq!(num(-3.05), "-3.05");
        assert_eq!(num(0.1 + 0.2), "0.3");
    }
}
