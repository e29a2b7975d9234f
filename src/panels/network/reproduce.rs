//! The panel's run as a script a learner runs at home, in PyTorch or in Keras: seed 002's
//! data (or the learner's own file, read by the script as the page read it), the same
//! architecture, initializer, initial bias, optimizer, batch size and epochs, printing the
//! loss per epoch and the dead units per layer in the page's words, under the page's
//! definition of dead.
//!
//! The settings come first, as Python constants; the code that depends on a choice (the
//! activation, the initializer, the optimizer) is written for that choice only, so the script
//! reads as plain code, not as a switchboard. The one exception is the definition of dead
//! (`DEFINITION`, `TAU`): the five definitions the page offers are written out side by side in
//! numpy (`dead_verdicts`, a delimited block the native tests run against `sim::dead`), so
//! that a learner compares them by changing one constant. Whatever the definition, each layer's
//! exact count is printed beside it.
//!
//! Today's remedies (issue #27: the inputs' scaling, warmup, gradient clipping, AdamW's weight
//! decay, ReDo, batch normalization) are constants of every script (`INPUT_SCALING`,
//! `WARMUP_STEPS`, `CLIP_NORM`, `WEIGHT_DECAY`, `REDO`, `BATCH_NORM`), and each one's code is
//! written only when the run used it, so that the default script stays as it was. ReDo is
//! written out in plain lines: its selection in numpy (`redo_select`, a delimited block the
//! native tests run against `sim::dead`), the recycling in the framework (`recycle`).

use super::settings::{
    Optimizer, Output, RedoMode, Settings, INPUT_SCALINGS, REDO_EVERY, REDO_TAU,
};
use super::state::OwnData;
use crate::sim::activation::ActivationKind;
use crate::sim::data::InputScaling;
use crate::sim::dead::{Definition, NEAR_ZERO};
use crate::sim::init::{Initializer, TRUNCATED_NORMAL_STDDEV};

/// Which numbers a learner can expect to see again, and which not, for a run on seed 002's
/// data or on `own` (whose dead line is E[y²] of its target, and whose rows the scripts
/// split their own way).
pub fn what_matches(own: Option<&OwnData>) -> String {
    let (dead_line, differ) = match own {
        None => (
            "13/3 ≈ 4.33".to_string(),
            "draw the data and the initial weights",
        ),
        Some(o) => (
            format!("E[y²] ≈ {:.3}", o.dead_loss),
            "split your rows and draw the initial weights",
        ),
    };
    format!(
        "What will match: the regime. Whether the output unit dies (the loss goes flat at the \
         dead line {dead_line} and every gradient is 0), gets stuck just above it, or learns \
         (the loss falls far below it), and roughly in which epoch. What cannot match: the \
         exact losses and which units die, because PyTorch, Keras and this page {differ} from \
         different random streams. Try a few seeds on both sides to compare regimes, not digits."
    )
}

/// Under "Reproduce this run" on a Playground task, instead of the scripts.
pub const PLAYGROUND_SCRIPTS: &str = "The scripts are written for seed 002's data and your own: on Playground's sets they would train another task than this page, so none is offered here. The spiral's PyTorch run that the page is checked against is tests/fixtures/spiral_torch.py in the repository.";

/// The file name a script reads pasted data from (pasted text has no name of its own).
pub const PASTED_FILE: &str = "your_data.csv";

/// The comment a script opens with when the page's run was on the learner's own data.
fn own_data_note(own: &OwnData) -> String {
    let keep = if own.pasted() {
        format!("save the text you pasted as {PASTED_FILE} next to this script")
    } else {
        "put that file next to this script".to_string()
    };
    format!(
        "# NOTE: the page's run used your own data ({what}). Your data never left the browser, \
         so it is not in this script (nor in any link): the script reads it from DATA_FILE \
         below, so {keep} (or set DATA_FILE to its path).\n\
         # Its rows are shuffled and split 70/30 by numpy here, so the two runs train and \
         validate on different rows.\n#\n",
        what = own.describe()
    )
}

/// A Python string literal of `text` (any text: a file's name may hold quotes).
fn py_str(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A Python number literal (Rust's shortest round-trip form is valid Python).
fn py(v: f64) -> String {
    if v.is_finite() {
        format!("{v:?}")
    } else {
        "float('nan')".into()
    }
}

/// Keras' variance scaling of an initializer: (scale, fan mode, distribution).
fn variance_scaling(init: Initializer) -> Option<(f64, &'static str, &'static str)> {
    match init {
        Initializer::HeNormal => Some((2.0, "fan_in", "normal")),
        Initializer::HeUniform => Some((2.0, "fan_in", "uniform")),
        Initializer::LecunNormal => Some((1.0, "fan_in", "normal")),
        Initializer::LecunUniform => Some((1.0, "fan_in", "uniform")),
        Initializer::GlorotNormal => Some((1.0, "fan_avg", "normal")),
        Initializer::GlorotUniform => Some((1.0, "fan_avg", "uniform")),
        _ => None,
    }
}

/// What a definition of dead counts, for the script's comment (the menu's labels are short).
fn definition_words(d: Definition) -> &'static str {
    match d {
        Definition::Exact => "units with f′(z) = 0 on every validation sample",
        Definition::NeverFires => {
            "units with f′(z) = 0 on every sample of the epoch's training batches \
             (keras-contrib's DeadReluDetector)"
        }
        Definition::Dormant => {
            "τ-dormant units, whose mean |h| is at most τ times their layer's (Sokar et al., ReDo)"
        }
        Definition::NearZero => "the share of outputs with |h| ≤ NEAR_ZERO (fastai)",
        Definition::ZeroFraction => {
            "the share of outputs exactly 0 (TensorBoard's zero_fraction: sparsity, not death)"
        }
    }
}

/// The settings block both scripts open with.
fn settings_block(s: &Settings, own: Option<&OwnData>, framework: &str) -> String {
    let preset = s.preset.map_or("custom settings".to_string(), |p| {
        format!("preset “{}”", p.label())
    });
    // Seed 002's data is generated from SAMPLES; the learner's file is read, and its dead line
    // follows from its target (in the data section).
    let (data, dead_line) = match own {
        None => (
            format!("SAMPLES = {}  # 70% train, 30% validation\n", s.samples),
            "DEAD_LINE = 13 / 3  # E[y²]: the loss of an output stuck at 0\n",
        ),
        Some(o) => (
            format!(
                "DATA_FILE = {file}  # {rows} rows: 70% train, 30% validation\n\
                 TARGET_COLUMN = {target}  # the column to predict, counted from 0: {name}\n\
                 STANDARDISE = {standardise}  # scale each input to mean 0 and variance 1 over \
                 the training rows\n",
                file = py_str(if o.pasted() { PASTED_FILE } else { &o.name }),
                rows = o.table.rows(),
                target = o.target,
                name = o.table.names[o.target],
                standardise = if o.standardise { "True" } else { "False" },
            ),
            "",
        ),
    };
    let what = what_matches(own).replace(". ", ".\n# ");
    format!(
        "# Dying ReLU Explorer, “A small network”, reproduced in {framework}: {preset}.\n\
         # The page's settings: ?panel=network&{query}\n\
         #\n\
         # {what}\n\
         \n\
         SEED = {seed}\n\
         {data}\
         HIDDEN_LAYERS = {layers}\n\
         WIDTH = {width}  # units per hidden layer: a {shape} network\n\
         ACTIVATION = \"{act}\"  # every hidden layer\n\
         OUTPUT_ACTIVATION = \"{out}\"  # the output layer's\n\
         DROPOUT = {dropout}  # on the hidden layers' outputs, training only ({dropout_kind})\n\
         ALPHA = {alpha}  # Leaky ReLU's slope and ELU's α (unused by other activations)\n\
         KERNEL_INITIALIZER = \"{init}\"\n\
         INITIAL_BIAS = {bias}\n\
         OPTIMIZER = \"{opt}\"\n\
         LEARNING_RATE = {lr}\n\
         BATCH_SIZE = {batch}\n\
         EPOCHS = {epochs}\n\
         {remedies}\
         {dead_line}\
         MOSTLY_OFF = 0.99  # off on more than this share of validation samples\n\
         {definition}",
        query = s.to_query(),
        seed = s.seed,
        layers = s.layers,
        width = s.width.max(1),
        shape = own.map_or_else(|| s.shape(), |o| s.shape_for(o.table.columns() - 1)),
        act = s.activation.id(),
        out = match s.output {
            Output::Same => s.activation.id(),
            Output::Linear => "linear",
            Output::Sigmoid => "sigmoid",
        },
        dropout = py(s.dropout),
        dropout_kind = if s.activation == ActivationKind::Selu {
            "AlphaDropout, with SELU"
        } else {
            "Dropout"
        },
        alpha = py(s.alpha),
        init = s.init.id(),
        bias = py(s.bias),
        opt = s.optimizer.id(),
        lr = py(s.lr),
        batch = s.batch.max(1),
        epochs = s.epochs.max(1),
        definition = definition_settings(s),
        remedies = remedy_settings(s),
    )
}

/// The remedies' settings (issue #27), in every script; each one's code only when it is on.
fn remedy_settings(s: &Settings) -> String {
    let inputs = INPUT_SCALINGS
        .iter()
        .find(|(i, _, _)| *i == s.inputs)
        .map_or("raw", |(_, id, _)| id);
    format!(
        "# Today's remedies, as the page's run used them. The code of each is written below only \
         when it is on: to try one, turn it on on the page and export the script again.\n\
         INPUT_SCALING = \"{inputs}\"  # \"raw\"; \"centred\": each input minus its training \
         mean; \"standardised\": also over its training sd (the target never changes)\n\
         WARMUP_STEPS = {warmup}  # linear warmup: step t (from 0) trains at \
         LEARNING_RATE·min(1, (t + 1)/WARMUP_STEPS); 0 = none\n\
         CLIP_NORM = {clip}  # the gradient of all parameters scaled down to this global L2 norm \
         when above it; 0 = off\n\
         WEIGHT_DECAY = {wd}  # decoupled weight decay λ (AdamW): every parameter p ← \
         p·(1 − lr·λ) before each update; 0 = off\n\
         REDO = \"{redo}\"  # ReDo (Sokar et al.): recycle τ-dormant hidden units, \"reset\" or \
         \"keep\" their Adam state; \"off\"\n\
         REDO_EVERY = {every}  # ReDo: after every this many updates\n\
         REDO_TAU = {tau}  # ReDo: a unit whose mean |h| on the step's batch is at most τ times \
         its layer's is recycled\n\
         BATCH_NORM = {bn}  # batch normalization before each hidden layer's activation \
         (Keras' momentum 0.99, ε = 1e-3)\n",
        redo = s.redo.id(),
        warmup = s.warmup,
        clip = py(s.clip),
        wd = py(s.weight_decay),
        every = REDO_EVERY,
        tau = py(REDO_TAU),
        bn = if s.batch_norm { "True" } else { "False" },
    )
}

/// `code` with its one `anchor` replaced by `with` (the scripts' variants of a shared text).
fn edit(code: &str, anchor: &str, with: &str) -> String {
    debug_assert_eq!(code.matches(anchor).count(), 1, "{anchor}");
    code.replacen(anchor, with, 1)
}

/// `code` with `lines` inserted after its one `anchor`.
fn insert_after(code: &str, anchor: &str, lines: &str) -> String {
    edit(code, anchor, &format!("{anchor}{lines}"))
}

/// The inputs' scaling (numpy, after the data, in both scripts): nothing when raw.
fn input_scaling(how: InputScaling) -> &'static str {
    match how {
        InputScaling::Raw => "",
        InputScaling::Centre => INPUTS_CENTRED,
        InputScaling::Standardise => INPUTS_STANDARDISED,
    }
}

const INPUTS_CENTRED: &str = r#"
# INPUT_SCALING = "centred": each input minus its mean over the training rows (the validation
# rows shifted by the same); the target unchanged.
shift = x_train.astype(np.float64).mean(axis=0)
x_train, x_val = (x_train - shift).astype(np.float32), (x_val - shift).astype(np.float32)
"#;

const INPUTS_STANDARDISED: &str = r#"
# INPUT_SCALING = "standardised": each input minus its mean over the training rows, over their
# standard deviation (population; a constant input is only centred), the validation rows
# scaled by the same; the target unchanged.
shift, scale = x_train.astype(np.float64).mean(axis=0), x_train.astype(np.float64).std(axis=0)
scale = np.where(scale > 0, scale, 1.0)
x_train, x_val = ((x_train - shift) / scale).astype(np.float32), ((x_val - shift) / scale).astype(np.float32)
"#;

/// The settings of the definition of dead, which the report follows.
fn definition_settings(s: &Settings) -> String {
    let ids: Vec<String> = Definition::ALL
        .iter()
        .map(|d| format!("\"{}\"", d.id()))
        .collect();
    format!(
        "DEFINITION = \"{id}\"  # what the report counts as dead: {words}; one of {ids} (see \
         dead_verdicts)\n\
         TAU = {tau}  # τ of τ-dormant (DEFINITION = \"dormant\" only)\n\
         NEAR_ZERO = {near}  # fastai's \"near zero\": |h| ≤ NEAR_ZERO (DEFINITION = \"near\")\n",
        id = s.definition.id(),
        words = definition_words(s.definition),
        ids = ids.join(", "),
        tau = py(s.tau),
        near = py(NEAR_ZERO),
    )
}

/// The data section of both scripts.
fn data_section(own: Option<&OwnData>) -> &'static str {
    if own.is_some() {
        OWN_DATA
    } else {
        DATA
    }
}

/// The learner's file, read as the page reads it (`sim::csv`) and split 70/30 (the same in
/// both scripts). The reader is plain Python, so that a test checks it against the page's.
const OWN_DATA: &str = r#"

def read_table(path):
    """The file's rows of numbers, read as the page reads them: blank lines skipped; cells
    split by the first line's most frequent of comma, semicolon and tab; a first line with a
    cell that is not a number is a header."""
    with open(path, encoding="utf-8-sig") as f:
        lines = [l[:-1] if l.endswith("\r") else l for l in f.read().split("\n")]
    lines = [l for l in lines if l.strip()]
    seps = [",", ";", "\t"]
    counts = [lines[0].count(sep) for sep in seps]
    best = max(range(3), key=lambda i: (counts[i], seps[i] == ",", i))
    sep = seps[best] if counts[best] else None

    def cells(line):
        out = []
        for raw in line.split(sep) if sep else [line]:
            t = raw.strip()
            if len(t) >= 2 and t[0] == '"' and t[-1] == '"':
                t = t[1:-1].strip()
            out.append(t)
        return out

    def is_number(text):
        try:
            float(text)
            return True
        except ValueError:
            return False

    rows = [cells(l) for l in lines]
    if not all(is_number(c) for c in rows[0]):
        rows = rows[1:]
    return [[float(c) for c in row] for row in rows]


table = np.array(read_table(DATA_FILE), dtype=np.float64)
table = table[np.random.default_rng(SEED).permutation(len(table))]
n_train = min(max(int(len(table) * 0.7 + 0.5), 1), len(table) - 1)
x = np.delete(table, TARGET_COLUMN, axis=1)
y = table[:, [TARGET_COLUMN]]
if STANDARDISE:
    # population statistics of the training rows; a constant column is only shifted
    std = x[:n_train].std(axis=0)
    x = (x - x[:n_train].mean(axis=0)) / np.where(std > 0, std, 1.0)
x, y = x.astype(np.float32), y.astype(np.float32)
x_train, y_train, x_val, y_val = x[:n_train], y[:n_train], x[n_train:], y[n_train:]
DEAD_LINE = float(np.mean(table[:, TARGET_COLUMN] ** 2))  # E[y²]: the loss of an output stuck at 0
"#;

/// Seed 002's data, generated with numpy (the same in both scripts).
const DATA: &str = r#"
# Seed 002's data: four inputs uniform in (-1, 0), the target their sum.
rng = np.random.default_rng(SEED)
x = rng.uniform(-1.0, 0.0, size=(SAMPLES, 4)).astype(np.float32)
y = x.sum(axis=1, keepdims=True).astype(np.float32)
n_train = min(max(round(SAMPLES * 0.7), 1), SAMPLES - 1)
x_train, y_train, x_val, y_val = x[:n_train], y[:n_train], x[n_train:], y[n_train:]
"#;

/// The definitions of dead (numpy, between the two `# ----` lines) and the report both scripts
/// print, in the page's words.
const REPORT: &str = r#"

# ---- What counts as dead: the page's five definitions, in numpy ----
# For one layer: outputs, its outputs h on the validation samples (samples × units); off,
# where f'(z) = 0 on those samples; fired, per unit, f'(z) ≠ 0 on some sample of the epoch's
# training batches (None before any batch: then the validation verdict, as on the page).

def dormant_scores(outputs):
    """Sokar et al.'s normalised scores: each unit's mean |h| over its layer's mean. A layer
    whose outputs are all 0 scores 0 everywhere (every unit dormant)."""
    mean_abs = np.abs(np.asarray(outputs, dtype=np.float64)).mean(axis=0)
    layer_mean = mean_abs.mean() if mean_abs.size else 0.0
    if layer_mean > 0 and np.isfinite(layer_mean):
        return mean_abs / layer_mean
    return np.zeros_like(mean_abs)


def near_zero(outputs):
    """|h| ≤ NEAR_ZERO, compared in float32 as the page does."""
    return np.abs(outputs) <= np.float32(NEAR_ZERO)


def dead_verdicts(outputs, off, fired, definition, tau):
    """Per unit: True where `definition` counts it dead (for "near" and "zeros", whose
    counts are shares of outputs, a unit whose every output is near zero or exactly 0)."""
    if fired is None:
        fired = ~off.all(axis=0)
    if definition == "exact":  # f'(z) = 0 on every validation sample
        return off.all(axis=0)
    if definition == "never":  # keras-contrib's DeadReluDetector, over the epoch's batches
        return ~fired
    if definition == "dormant":  # Sokar et al. (ReDo): score ≤ τ
        return dormant_scores(outputs) <= tau
    if definition == "near":  # fastai's ActivationStats
        return near_zero(outputs).all(axis=0)
    if definition == "zeros":  # TensorBoard's zero_fraction
        return (outputs == 0).all(axis=0)
    raise ValueError(f"unknown DEFINITION {definition!r}")


def layer_share(outputs, off, fired, definition, tau):
    """The layer's share under `definition`: of its outputs near zero or exactly 0 ("near",
    "zeros"), else of its units dead."""
    if definition == "near":
        return float(near_zero(outputs).mean())
    if definition == "zeros":
        return float((outputs == 0).mean())
    return float(dead_verdicts(outputs, off, fired, definition, tau).mean())


def record_firing(fired, off):
    """After a training batch (off: where f'(z) = 0 on its samples): which units fired."""
    return fired | ~off.all(axis=0)


def counted(chosen, units, definition, tau):
    """A layer's count (or share) under `definition`, in the page's words."""
    if definition == "exact":
        return f"{chosen} of {units} units dead"
    if definition == "never":
        return f"{chosen} of {units} units never fired in the epoch's training batches"
    if definition == "dormant":
        return f"{chosen} of {units} units τ-dormant (τ = {tau:.3g})"
    pct = int(chosen * 100 + 0.5)
    if definition == "near":
        return f"{pct}% of outputs near zero (|h| ≤ {NEAR_ZERO:g})"
    return f"{pct}% of outputs exactly 0 (sparsity, not death)"


def layer_numbers(outputs, off, fired):
    """One layer's numbers for the report: (exactly dead, mostly off, units, its count, or
    share, under DEFINITION)."""
    off_share = off.mean(axis=0)
    dead = int((off_share == 1).sum())
    mostly = int(((off_share > MOSTLY_OFF) & (off_share < 1)).sum())
    if DEFINITION in ("near", "zeros"):
        chosen = layer_share(outputs, off, fired, DEFINITION, TAU)
    else:
        chosen = int(dead_verdicts(outputs, off, fired, DEFINITION, TAU).sum())
    return dead, mostly, off.shape[1], chosen

# ---- end of the definitions ----


def layer_name(i, n):
    return "output" if i == n - 1 else f"hidden layer {i + 1}"


def report(epoch, train_loss, val_loss, layers):
    """layers: layer_numbers per layer, the output last."""
    loss = "" if train_loss is None else f"training loss {train_loss:.3g}, "
    print(f"epoch {epoch}: {loss}validation loss {val_loss:.3g}")
    for i, (dead, mostly, units, chosen) in enumerate(layers):
        part = f"  {layer_name(i, len(layers))}: {counted(chosen, units, DEFINITION, TAU)}"
        if DEFINITION != "exact":
            part += f"; exactly dead {dead} of {units}"
        if mostly:
            part += f", {mostly} mostly off"
        print(part)


def verdict(val_loss, layers):
    dead, mostly, units, _ = layers[-1]
    if dead == units:
        print(f"Output unit dead: it outputs a constant on every sample, so no gradient reaches the layers below it. The dead line, what an output stuck at 0 scores, is {DEAD_LINE:.3g}.")
    elif dead + mostly == units and abs(val_loss - DEAD_LINE) <= 0.02 * DEAD_LINE:
        print(f"The output is 0 on over 99% of samples and the loss sits at the dead line ({DEAD_LINE:.3g}): the network has all but stopped learning.")
    else:
        print(f"Learning: validation loss {val_loss:.3g}, against {DEAD_LINE:.3g} for an output stuck at 0.")
"#;

/// The PyTorch script for these settings, on seed 002's data or on `own`.
pub fn pytorch(s: &Settings, own: Option<&OwnData>) -> String {
    let mut out = own.map(own_data_note).unwrap_or_default();
    out.push_str(&settings_block(s, own, "PyTorch"));
    out.push_str("\nimport math\n\nimport numpy as np\nimport torch\nfrom torch import nn\n\ntorch.manual_seed(SEED)\n");
    out.push_str(data_section(own));
    out.push_str(input_scaling(s.inputs));
    out.push_str(&torch_activation(s));
    out.push_str(&torch_init(s.init));
    out.push_str(&torch_model(s));
    out.push_str(&torch_optimizer(s));
    out.push_str(REPORT);
    if s.redo != RedoMode::Off {
        out.push_str(REDO_SELECT);
        out.push_str(&torch_redo(s));
    }
    out.push_str(&torch_train(s));
    out
}

fn torch_activation(s: &Settings) -> String {
    let make = match s.activation {
        ActivationKind::Relu => "nn.ReLU()",
        ActivationKind::LeakyRelu => "nn.LeakyReLU(negative_slope=ALPHA)",
        ActivationKind::Elu => "nn.ELU(alpha=ALPHA)",
        ActivationKind::Selu => "nn.SELU()",
        ActivationKind::Tanh => "nn.Tanh()",
        ActivationKind::Sigmoid => "nn.Sigmoid()",
        ActivationKind::Linear => "nn.Identity()",
        ActivationKind::Gelu => "nn.GELU()",
        ActivationKind::Swish => "nn.SiLU()",
    };
    let out = match s.output {
        Output::Linear => "nn.Identity()",
        Output::Sigmoid => "nn.Sigmoid()",
        Output::Same => "make_activation()",
    };
    let drop = if s.activation == ActivationKind::Selu {
        "nn.AlphaDropout(DROPOUT)"
    } else {
        "nn.Dropout(DROPOUT)"
    };
    format!(
        "\n\ndef make_activation():\n    return {make}\n\n\ndef make_output_activation():\n    return {out}\n\n\ndef make_dropout():\n    return {drop}\n"
    )
}

/// Keras' initializers written out for PyTorch (its own `kaiming_*` and `xavier_*` are not
/// truncated the same way).
fn torch_init(init: Initializer) -> String {
    let body = match (init, variance_scaling(init)) {
        (_, Some((scale, mode, dist))) => {
            let fan = match mode {
                "fan_in" => "fan_in",
                _ => "(fan_in + fan_out) / 2",
            };
            let draw = if dist == "normal" {
                format!(
                    "    # a normal truncated at two of its σ, σ = sqrt(scale / fan) / {TRUNCATED_NORMAL_STDDEV}\n    \
                     std = math.sqrt(scale / fan) / {TRUNCATED_NORMAL_STDDEV}\n    \
                     nn.init.trunc_normal_(weight, mean=0.0, std=std, a=-2 * std, b=2 * std)"
                )
            } else {
                "    limit = math.sqrt(3 * scale / fan)\n    nn.init.uniform_(weight, -limit, limit)"
                    .to_string()
            };
            format!(
                "    # Keras' {id}: variance scaling, scale {scale}, fan = {fan}\n    \
                 fan_out, fan_in = weight.shape\n    scale, fan = {scale:?}, {fan}\n{draw}",
                id = init.id()
            )
        }
        (Initializer::RandomUniform { lo, hi }, None) => {
            format!("    nn.init.uniform_(weight, {}, {})", py(lo), py(hi))
        }
        (Initializer::Constant(v), None) => format!("    nn.init.constant_(weight, {})", py(v)),
        _ => "    pass".into(),
    };
    format!("\n\ndef init_kernel(weight):\n{body}\n")
}

const TORCH_MODEL: &str = r#"

layers = []
width_in = x_train.shape[1]
for i, width in enumerate([WIDTH] * HIDDEN_LAYERS + [1]):
    dense = nn.Linear(width_in, width)
    init_kernel(dense.weight.data)
    nn.init.constant_(dense.bias.data, INITIAL_BIAS)
    layers.append((dense, make_activation() if i < HIDDEN_LAYERS else make_output_activation()))
    width_in = width
modules = []
for i, pair in enumerate(layers):
    modules.extend(pair)
    if i < HIDDEN_LAYERS and DROPOUT > 0:
        modules.append(make_dropout())  # active in model.train() only
model = nn.Sequential(*modules)
"#;

/// The model: [`TORCH_MODEL`], with a `BatchNorm1d` before each hidden activation when
/// `batch_norm`.
fn torch_model(s: &Settings) -> String {
    if !s.batch_norm {
        return TORCH_MODEL.into();
    }
    let code = edit(TORCH_MODEL, "modules = []\n", TORCH_NORMS);
    edit(
        &code,
        "    modules.extend(pair)\n",
        "    modules.append(pair[0])\n    \
         if i < HIDDEN_LAYERS:\n        \
         modules.append(norms[i])  # BATCH_NORM: between the Linear and its activation\n    \
         modules.append(pair[1])\n",
    )
}

const TORCH_NORMS: &str = "\
# BATCH_NORM: a BatchNorm1d between each hidden Linear and its activation, with Keras'
# conventions: ε = 1e-3, and Keras' momentum 0.99 (the running statistics' weight) is torch's
# momentum 0.01 (the batch's weight). Torch keeps the unbiased running variance, Keras and the
# page the biased one (a factor 31/32 at batch 32). Each Linear keeps its bias (it has no effect).
norms = [nn.BatchNorm1d(WIDTH, eps=1e-3, momentum=0.01) for _ in range(HIDDEN_LAYERS)]
modules = []
";

fn torch_optimizer(s: &Settings) -> String {
    let make = match (s.optimizer, s.weight_decay > 0.0) {
        (Optimizer::Sgd, false) => "torch.optim.SGD(model.parameters(), lr=LEARNING_RATE)",
        (Optimizer::Sgd, true) => {
            "torch.optim.SGD(model.parameters(), lr=LEARNING_RATE, weight_decay=WEIGHT_DECAY)\n\
             # WEIGHT_DECAY: torch's SGD adds λ·p to the gradient, which for SGD (no momentum) is \
             the same update, p ← p·(1 − lr·λ) − lr·g (Keras 3's SGD(weight_decay))"
        }
        (Optimizer::Adam, false) => {
            "torch.optim.Adam(model.parameters(), lr=LEARNING_RATE, betas=(0.9, 0.999), eps=1e-7)  # Keras' defaults"
        }
        (Optimizer::Adam, true) => {
            "torch.optim.AdamW(model.parameters(), lr=LEARNING_RATE, betas=(0.9, 0.999), eps=1e-7, weight_decay=WEIGHT_DECAY)  # Keras' defaults\n\
             # WEIGHT_DECAY: AdamW's decoupled decay, every parameter (biases too) p ← p·(1 − lr·λ) \
             before each update, lr the step's rate"
        }
    };
    let mut out = format!("optimizer = {make}\n");
    if s.warmup > 0 {
        out.push_str(
            "# WARMUP_STEPS: step t (from 0) at LEARNING_RATE·min(1, (t + 1)/WARMUP_STEPS), \
             then LEARNING_RATE\n\
             warmup = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda t: min(1.0, (t + 1) / WARMUP_STEPS))\n",
        );
    }
    out
}

/// The training code: [`TORCH_TRAIN`] with the remedies that are on.
fn torch_train(s: &Settings) -> String {
    let mut code = TORCH_TRAIN.to_string();
    if s.batch_norm {
        code = insert_after(
            &code,
            "            z = dense(h)\n",
            "            if i < HIDDEN_LAYERS:\n                \
             z = norms[i](z)  # BATCH_NORM, with its running statistics (model.eval())\n",
        );
        code = edit(
            &code,
            "    h = torch.from_numpy(x_val)\n",
            "    model.eval()\n    h = torch.from_numpy(x_val)\n",
        );
    }
    if s.clip > 0.0 {
        code = insert_after(
            &code,
            "        loss.backward()\n",
            "        nn.utils.clip_grad_norm_(model.parameters(), CLIP_NORM)  # CLIP_NORM: all \
             gradients times CLIP_NORM/‖g‖ when ‖g‖ > CLIP_NORM (torch adds 1e-6 to ‖g‖)\n",
        );
    }
    let mut after_step = String::new();
    if s.warmup > 0 {
        after_step.push_str("        warmup.step()  # WARMUP_STEPS: the next step's rate\n");
    }
    if s.redo != RedoMode::Off {
        after_step.push_str(
            "        steps += 1\n        \
             if steps % REDO_EVERY == 0:\n            \
             recycle(batch_h)  # REDO: after the update, on the step's outputs\n        \
             batch_h.clear()\n",
        );
        code = insert_after(
            &code,
            "xt, yt = torch.from_numpy(x_train), torch.from_numpy(y_train)\n",
            "steps = 0  # updates done: ReDo's clock\n",
        );
    }
    insert_after(&code, "        optimizer.step()\n", &after_step)
}

/// ReDo in PyTorch: [`TORCH_REDO`], resetting batch normalization's units too when it is on.
fn torch_redo(s: &Settings) -> String {
    if !s.batch_norm {
        return TORCH_REDO.into();
    }
    insert_after(
        TORCH_REDO,
        "                touched += [(dense.weight, unit, True), (dense.bias, unit, True)]\n",
        "                norm = norms[i]  # BATCH_NORM: the unit's γ, β and running statistics as new\n                \
         norm.weight[unit], norm.bias[unit] = 1.0, 0.0\n                \
         norm.running_mean[unit], norm.running_var[unit] = 0.0, 1.0\n                \
         touched += [(norm.weight, unit, False), (norm.bias, unit, False)]\n",
    )
}

/// ReDo's selection, in numpy (both scripts), between its two `# ----` lines.
const REDO_SELECT: &str = r#"

# ---- ReDo's selection, in numpy ----

def redo_select(outputs, tau):
    """ReDo's choice in one hidden layer: outputs, its outputs h on the step's training batch
    (samples × units). True where the unit is τ-dormant on that batch: its mean |h| over its
    layer's mean of them (dormant_scores) is at most τ."""
    return dormant_scores(outputs) <= tau

# ---- end of ReDo's selection ----
"#;

const TORCH_REDO: &str = r#"

# REDO (Sokar et al., "The Dormant Neuron Phenomenon in Deep Reinforcement Learning", 2023;
# timoklein/redo in PyTorch): after every REDO_EVERY-th update, each hidden unit τ-dormant on
# that step's batch (its outputs in the step's own forward pass, before the update) gets fresh
# incoming weights from init_kernel, its bias back to INITIAL_BIAS and zero outgoing weights;
# never the output layer. With REDO = "reset", Adam's m and v of all those weights are zeroed
# too, and Adam's step count restarted for the tensors touched (as timoklein/redo does).
batch_h = []  # each hidden layer's outputs h in the training batch going forward


def keep_h(module, inputs, output):
    if recording:
        batch_h.append(output.detach().numpy())


for dense, act in layers[:HIDDEN_LAYERS]:
    act.register_forward_hook(keep_h)


def recycle(outputs):
    """ReDo on the step's outputs (one array per hidden layer): every dormant unit's incoming
    weights first, then the outgoing ones, so that a recycled unit also ends with a zero weight
    from a recycled unit below it."""
    dormant = [torch.from_numpy(redo_select(h, REDO_TAU)) for h in outputs]
    touched = []  # (tensor, index, whether Adam's step count restarts)
    with torch.no_grad():
        for i, unit in enumerate(dormant):
            if unit.any():
                dense = layers[i][0]
                fresh = torch.empty_like(dense.weight)
                init_kernel(fresh)
                dense.weight[unit] = fresh[unit]
                dense.bias[unit] = INITIAL_BIAS
                touched += [(dense.weight, unit, True), (dense.bias, unit, True)]
        for i, unit in enumerate(dormant):
            if unit.any():
                after = layers[i + 1][0].weight
                after[:, unit] = 0.0
                touched.append((after, (slice(None), unit), True))
    if REDO == "reset":
        for tensor, index, restart in touched:
            state = optimizer.state[tensor]
            for moment in ("exp_avg", "exp_avg_sq"):
                if moment in state:
                    state[moment][index] = 0.0
            if restart and "step" in state:
                state["step"].zero_()
"#;

const TORCH_TRAIN: &str = r#"

def derivative_is_zero(act, z):
    """Where f'(z) = 0, by autograd: the gradient of Σ f(z) is f'(z), element by element."""
    z = z.detach().requires_grad_(True)
    with torch.enable_grad():
        (grad,) = torch.autograd.grad(act(z).sum(), z)
    return grad == 0


def dead_units(fired=None):
    """layer_numbers per layer, on the validation samples; fired: the epoch's record of
    training batches (for DEFINITION = "never")."""
    out = []
    h = torch.from_numpy(x_val)
    with torch.no_grad():
        for i, (dense, act) in enumerate(layers):
            z = dense(h)
            off = derivative_is_zero(act, z).numpy()
            h = act(z)
            out.append(layer_numbers(h.numpy(), off, None if fired is None else fired[i]))
    return out


def validation_loss():
    model.eval()
    with torch.no_grad():
        return float(nn.functional.mse_loss(model(torch.from_numpy(x_val)), torch.from_numpy(y_val)))


# DEFINITION = "never" (keras-contrib's DeadReluDetector): which units had f'(z) ≠ 0 on some
# sample of the epoch's training batches, each batch's z as it went forward in training
# (from the layer below's outputs after its dropout, as on the page).
recording = False  # True while a training batch goes forward
batch_z = []  # each activation's input z in that batch, layer by layer


def keep_z(module, inputs):
    if recording:
        batch_z.append(inputs[0].detach())


if DEFINITION == "never":
    for dense, act in layers:
        act.register_forward_pre_hook(keep_z)

report(0, None, validation_loss(), dead_units())
xt, yt = torch.from_numpy(x_train), torch.from_numpy(y_train)
for epoch in range(1, EPOCHS + 1):
    fired = [np.zeros(dense.out_features, dtype=bool) for dense, _ in layers]
    order = torch.randperm(n_train)
    total = 0.0
    model.train()
    for start in range(0, n_train, BATCH_SIZE):
        batch = order[start:start + BATCH_SIZE]
        recording = True
        prediction = model(xt[batch])
        recording = False
        loss = nn.functional.mse_loss(prediction, yt[batch])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total += float(loss.detach()) * len(batch)
        for i, z in enumerate(batch_z):
            fired[i] = record_firing(fired[i], derivative_is_zero(layers[i][1], z).numpy())
        batch_z.clear()
    report(epoch, total / n_train, validation_loss(), dead_units(fired))
verdict(validation_loss(), dead_units(fired))
"#;

/// The Keras script for these settings (TensorFlow's Keras, 2 or 3), on seed 002's data or
/// on `own`.
pub fn keras(s: &Settings, own: Option<&OwnData>) -> String {
    let mut out = own.map(own_data_note).unwrap_or_default();
    out.push_str(&settings_block(s, own, "Keras"));
    out.push_str(
        "\nimport numpy as np\nimport tensorflow as tf\nfrom tensorflow import keras\n\nkeras.utils.set_random_seed(SEED)\n",
    );
    out.push_str(data_section(own));
    out.push_str(input_scaling(s.inputs));
    out.push_str(&format!(
        "\nactivation = {}\noutput_activation = {}\nDropoutLayer = keras.layers.{}\n{}{}{}",
        keras_activation(s.activation),
        match s.output {
            Output::Linear => "\"linear\"",
            Output::Sigmoid => "\"sigmoid\"",
            Output::Same => "activation",
        },
        if s.activation == ActivationKind::Selu {
            "AlphaDropout"
        } else {
            "Dropout"
        },
        keras_init(s.init),
        if s.warmup > 0 { KERAS_WARMUP } else { "" },
        keras_optimizer(s)
    ));
    out.push_str(&keras_model(s));
    out.push_str(REPORT);
    out.push_str(&keras_train(s));
    out
}

fn keras_activation(k: ActivationKind) -> &'static str {
    match k {
        ActivationKind::Relu => "\"relu\"",
        ActivationKind::LeakyRelu => "lambda z: tf.nn.leaky_relu(z, alpha=ALPHA)",
        ActivationKind::Elu => "lambda z: keras.activations.elu(z, alpha=ALPHA)",
        ActivationKind::Selu => "\"selu\"",
        ActivationKind::Tanh => "\"tanh\"",
        ActivationKind::Sigmoid => "\"sigmoid\"",
        ActivationKind::Linear => "\"linear\"",
        ActivationKind::Gelu => "lambda z: tf.nn.gelu(z, approximate=False)",
        ActivationKind::Swish => "tf.nn.silu",
    }
}

/// `kernel_initializer(i)`, a new initializer for layer `i`, seeded SEED + i: a seeded Keras
/// initializer gives the same values on every call, so an instance shared by the layers would
/// start layers of the same shape with identical kernels (issue #25).
fn keras_init(init: Initializer) -> String {
    let make = keras_init_call(init);
    format!(
        "\n\ndef kernel_initializer(i):\n    \
         # one per layer, seeded apart: a seeded instance repeats its values on every call\n    \
         return {make}\n\n\n"
    )
}

/// Keras' initializer for the script's layer `i`.
fn keras_init_call(init: Initializer) -> String {
    let seeded = |name: &str| format!("keras.initializers.{name}(seed=SEED + i)");
    match init {
        Initializer::HeNormal => seeded("HeNormal"),
        Initializer::HeUniform => seeded("HeUniform"),
        Initializer::LecunNormal => seeded("LecunNormal"),
        Initializer::LecunUniform => seeded("LecunUniform"),
        Initializer::GlorotNormal => seeded("GlorotNormal"),
        Initializer::GlorotUniform => seeded("GlorotUniform"),
        Initializer::RandomUniform { lo, hi } => format!(
            "keras.initializers.RandomUniform(minval={}, maxval={}, seed=SEED + i)",
            py(lo),
            py(hi)
        ),
        Initializer::Constant(v) => format!("keras.initializers.Constant({})", py(v)),
    }
}

/// The optimizer's line: Adam (AdamW with weight decay) or SGD, with the warmup's schedule and global
/// clipping when they are on (each remedy commented above it).
fn keras_optimizer(s: &Settings) -> String {
    let decay = s.weight_decay > 0.0;
    let name = match (s.optimizer, decay) {
        (Optimizer::Sgd, _) => "SGD",
        (Optimizer::Adam, false) => "Adam",
        (Optimizer::Adam, true) => "AdamW",
    };
    let lr = if s.warmup > 0 {
        "Warmup()"
    } else {
        "LEARNING_RATE"
    };
    let mut args = vec![format!("learning_rate={lr}")];
    let mut notes = String::new();
    if decay {
        args.push("weight_decay=WEIGHT_DECAY".into());
        notes.push_str(
            "# WEIGHT_DECAY: Keras' decoupled decay, every variable (biases too) p ← \
             p·(1 − lr·λ) before each update, lr the step's rate\n",
        );
    }
    if s.clip > 0.0 {
        args.push("global_clipnorm=CLIP_NORM".into());
        notes.push_str(
            "# CLIP_NORM: all gradients times CLIP_NORM/max(‖g‖, CLIP_NORM), ‖g‖ their \
             global L2 norm\n",
        );
    }
    if s.optimizer == Optimizer::Adam {
        args.push("beta_1=0.9, beta_2=0.999, epsilon=1e-7".into());
    }
    format!(
        "{notes}optimizer = keras.optimizers.{name}({})\n",
        args.join(", ")
    )
}

/// The warmup's schedule (before the optimizer that takes it).
const KERAS_WARMUP: &str = r#"# WARMUP_STEPS: a schedule of the optimizer's step count, which starts at 0.
class Warmup(keras.optimizers.schedules.LearningRateSchedule):
    """Step t (from 0) at LEARNING_RATE·min(1, (t + 1)/WARMUP_STEPS), then LEARNING_RATE."""

    def __call__(self, step):
        return LEARNING_RATE * tf.minimum(1.0, (tf.cast(step, tf.float32) + 1.0) / WARMUP_STEPS)


"#;

/// The model: [`KERAS_MODEL`], with each hidden `Dense` linear and followed by a
/// `BatchNormalization` and its `Activation` when `batch_norm`.
fn keras_model(s: &Settings) -> String {
    if !s.batch_norm {
        return KERAS_MODEL.into();
    }
    let code = edit(
        KERAS_MODEL,
        "        activation=activation if i < HIDDEN_LAYERS else output_activation,\n",
        "        activation=None if i < HIDDEN_LAYERS else output_activation,  # BATCH_NORM: \
         the activation after the normalization\n",
    );
    insert_after(
        &code,
        "    ))\n",
        "    if i < HIDDEN_LAYERS:\n        \
         # BATCH_NORM: Keras' defaults; the Dense keeps its bias (it has no effect)\n        \
         stack.append(keras.layers.BatchNormalization(momentum=0.99, epsilon=1e-3))\n        \
         stack.append(keras.layers.Activation(activation))\n",
    )
}

const KERAS_MODEL: &str = r#"
stack = [keras.Input(shape=(x_train.shape[1],))]
for i, width in enumerate([WIDTH] * HIDDEN_LAYERS + [1]):
    stack.append(keras.layers.Dense(
        width,
        activation=activation if i < HIDDEN_LAYERS else output_activation,
        kernel_initializer=kernel_initializer(i),
        bias_initializer=keras.initializers.Constant(INITIAL_BIAS),
    ))
    if i < HIDDEN_LAYERS and DROPOUT > 0:
        # Seeded apart too: two layers seeded alike drop the same units together.
        stack.append(DropoutLayer(DROPOUT, seed=SEED + i))  # active in fit() only
model = keras.Sequential(stack)
model.compile(optimizer=optimizer, loss="mse")
"#;

/// The training code: the forward pass by hand (with batch normalization when it is on), then
/// ReDo when it is on, then the loop.
fn keras_train(s: &Settings) -> String {
    let mut code = String::from(if s.batch_norm {
        KERAS_FORWARD_NORMALIZED
    } else {
        KERAS_FORWARD
    });
    let mut train = KERAS_TRAIN.to_string();
    if s.redo != RedoMode::Off {
        code.push_str(REDO_SELECT);
        code.push_str(&keras_redo(s));
        train = insert_after(
            &train,
            "    record = [FiringRecord(xs)] if DEFINITION == \"never\" else []\n",
            "    record.append(Recycler(xs))  # REDO\n",
        );
    }
    code.push_str(&train);
    if s.batch_norm {
        // A training step normalizes with its batch's statistics.
        code = code.replace("forward(rows)", "forward(rows, batch=True)");
    }
    code
}

const KERAS_FORWARD: &str = r#"
dense_layers = [l for l in model.layers if isinstance(l, keras.layers.Dense)]


def forward(x):
    """Per Dense layer: its outputs h on the rows x, and where f'(z) = 0 (no dropout)."""
    out = []
    h = tf.constant(x)
    for dense in dense_layers:
        z = tf.matmul(h, dense.kernel) + dense.bias
        with tf.GradientTape() as tape:
            tape.watch(z)
            a = dense.activation(z)
        out.append((a.numpy(), (tape.gradient(a, z) == 0).numpy()))
        h = a
    return out
"#;

const KERAS_FORWARD_NORMALIZED: &str = r#"
dense_layers = [l for l in model.layers if isinstance(l, keras.layers.Dense)]
norm_layers = [l for l in model.layers if isinstance(l, keras.layers.BatchNormalization)]
activation_layers = [l for l in model.layers if isinstance(l, keras.layers.Activation)]


def forward(x, batch=False):
    """Per Dense layer: its outputs h on the rows x, and where f'(y) = 0 (no dropout), y a
    hidden layer's normalized z (BATCH_NORM): with the rows' own statistics when batch, as in a
    training step (the running ones untouched), else with the running ones, as in evaluation."""
    out = []
    h = tf.constant(x)
    for i, dense in enumerate(dense_layers):
        z = tf.matmul(h, dense.kernel) + dense.bias
        act = dense.activation
        if i < HIDDEN_LAYERS:
            norm, act = norm_layers[i], activation_layers[i].activation
            mean, var = tf.nn.moments(z, axes=[0]) if batch else (norm.moving_mean, norm.moving_variance)
            z = norm.gamma * (z - mean) / tf.sqrt(var + norm.epsilon) + norm.beta
        with tf.GradientTape() as tape:
            tape.watch(z)
            a = act(z)
        out.append((a.numpy(), (tape.gradient(a, z) == 0).numpy()))
        h = a
    return out
"#;

const KERAS_TRAIN: &str = r#"

def dead_units(fired=None):
    """layer_numbers per layer, on the validation samples; fired: the epoch's record of
    training batches (for DEFINITION = "never")."""
    return [layer_numbers(a, off, None if fired is None else fired[i])
            for i, (a, off) in enumerate(forward(x_val))]


def validation_loss():
    return float(model.evaluate(x_val, y_val, batch_size=1024, verbose=0))


class FiringRecord(keras.callbacks.Callback):
    """DEFINITION = "never" (keras-contrib's DeadReluDetector): which units had f'(z) ≠ 0 on
    some sample of the epoch's training batches. Before each step, f'(z) on the step's rows
    with the weights the step starts from. Unlike the page and the PyTorch script, it cannot
    see the step's dropout masks (Keras draws them inside the step), so with DROPOUT > 0 the
    layers above the first are judged on their inputs without dropout."""

    def __init__(self, rows):
        super().__init__()
        self.rows = rows

    def on_train_batch_begin(self, batch, logs=None):
        rows = self.rows[batch * BATCH_SIZE:(batch + 1) * BATCH_SIZE]
        for i, (_, off) in enumerate(forward(rows)):
            fired[i] = record_firing(fired[i], off)


report(0, None, validation_loss(), dead_units())
shuffle = np.random.default_rng(SEED + 1)
for epoch in range(1, EPOCHS + 1):
    # The epoch's order drawn here, not by fit, so that the record knows each step's rows.
    order = shuffle.permutation(n_train)
    xs, ys = x_train[order], y_train[order]
    fired = [np.zeros(dense.units, dtype=bool) for dense in dense_layers]
    record = [FiringRecord(xs)] if DEFINITION == "never" else []
    history = model.fit(xs, ys, batch_size=BATCH_SIZE, epochs=1, shuffle=False, verbose=0, callbacks=record)
    report(epoch, history.history["loss"][-1], validation_loss(), dead_units(fired))
verdict(validation_loss(), dead_units(fired))
"#;

/// ReDo in Keras: [`KERAS_REDO`], resetting batch normalization's units too when it is on.
fn keras_redo(s: &Settings) -> String {
    if !s.batch_norm {
        return KERAS_REDO.into();
    }
    insert_after(
        KERAS_REDO,
        "            touched += [(dense.kernel, (slice(None), unit)), (dense.bias, unit)]\n",
        "            norm = norm_layers[i]  # BATCH_NORM: the unit's γ, β and running statistics as new\n            \
         for variable, value in [(norm.gamma, 1.0), (norm.beta, 0.0), (norm.moving_mean, 0.0), (norm.moving_variance, 1.0)]:\n                \
         set_where(variable, unit, value)\n            \
         touched += [(norm.gamma, unit), (norm.beta, unit)]\n",
    )
}

const KERAS_REDO: &str = r#"

# REDO (Sokar et al., "The Dormant Neuron Phenomenon in Deep Reinforcement Learning", 2023):
# after every REDO_EVERY-th update, each hidden unit τ-dormant on that step's batch gets fresh
# incoming weights from its layer's initializer, its bias back to INITIAL_BIAS and zero outgoing
# weights; never the output layer. fit() does not show its callbacks the batch, but the epoch's
# order is drawn below, not by fit, so a callback knows each step's rows: before the step that
# ends a period it computes the hidden outputs h on them with the weights the step starts from,
# as the step's own forward pass does (Keras draws the dropout masks inside the step, so with
# DROPOUT > 0 the layers above the first see their inputs without dropout), and after the step
# it recycles. With REDO = "reset", the optimizer's moments of all those weights are zeroed
# too (Adam's m and v, found in optimizer.variables by Keras 3's names). Keras' Adam has one
# step count for every variable (optimizer.iterations, which the warmup also reads), so the
# restart of the touched tensors' counts (timoklein/redo's, and the page's) is not done here:
# their zeroed moments are bias-corrected under the old count, as in Sokar et al.'s own code.


def set_where(variable, index, value):
    """variable[index] = value, for a Keras variable."""
    array = np.array(variable.numpy())
    array[index] = value
    variable.assign(array)


def optimizer_moments(variable):
    """The optimizer's moments of a model variable (Adam's m and v), by Keras 3's names."""
    key = variable.path.replace("/", "_")
    return [v for v in optimizer.variables if v.name in (key + "_momentum", key + "_velocity")]


def recycle(outputs):
    """ReDo on the step's outputs (one array per hidden layer): every dormant unit's incoming
    weights first, then the outgoing ones, so that a recycled unit also ends with a zero weight
    from a recycled unit below it."""
    dormant = [redo_select(h, REDO_TAU) for h in outputs]
    draw = int(optimizer.iterations.numpy()) // REDO_EVERY  # seeds apart from every earlier draw
    touched = []  # (variable, index)
    for i, unit in enumerate(dormant):
        if unit.any():
            dense = dense_layers[i]
            fresh = np.asarray(kernel_initializer(i + (HIDDEN_LAYERS + 1) * draw)(tuple(dense.kernel.shape)))
            set_where(dense.kernel, (slice(None), unit), fresh[:, unit])
            set_where(dense.bias, unit, INITIAL_BIAS)
            touched += [(dense.kernel, (slice(None), unit)), (dense.bias, unit)]
    for i, unit in enumerate(dormant):
        if unit.any():
            after = dense_layers[i + 1].kernel
            set_where(after, unit, 0.0)
            touched.append((after, unit))
    if REDO == "reset":
        for variable, index in touched:
            for moment in optimizer_moments(variable):
                set_where(moment, index, 0.0)


class Recycler(keras.callbacks.Callback):
    """ReDo in fit(): rows, the epoch's training rows in the order fit takes them."""

    def __init__(self, rows):
        super().__init__()
        self.rows, self.outputs = rows, None

    def on_train_batch_begin(self, batch, logs=None):
        if (int(optimizer.iterations.numpy()) + 1) % REDO_EVERY == 0:
            rows = self.rows[batch * BATCH_SIZE:(batch + 1) * BATCH_SIZE]
            self.outputs = [h for h, _ in forward(rows)[:HIDDEN_LAYERS]]

    def on_train_batch_end(self, batch, logs=None):
        if self.outputs is not None:
            recycle(self.outputs)
            self.outputs = None
"#;

/// "network-run_…_pytorch.py".
pub fn file_name(tag: &str, framework: &str) -> String {
    crate::chart::figure::file_name(&["network", "run"], &format!("{tag}_{framework}"), "py")
}
