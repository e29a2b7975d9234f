#![cfg(not(target_arch = "wasm32"))]
//! What leaves the page, checked natively: the run as CSV and JSON (header and rows match the
//! run), the run as PyTorch and Keras scripts (they parse as Python and carry the settings),
//! and every chart as a slide-sized SVG (well-formed XML with its title and axis labels).

use dying_relu::chart::figure::{slide_svg, Figures, SLIDE_SIZE};
use dying_relu::panels::activation::state::Settings as ActivationSettings;
use dying_relu::panels::network::charts::dead_map::Judge;
use dying_relu::panels::network::export;
use dying_relu::panels::network::reproduce;
use dying_relu::panels::network::settings::{
    Optimizer, Output, Preset, RedoMode, Settings, REDO_EVERY, REDO_TAU,
};
use dying_relu::panels::network::state::{Msg, OwnData, State as NetworkState, PASTED};
use dying_relu::panels::network::words;
use dying_relu::panels::neuron::state::{Msg as NeuronMsg, State as NeuronState};
use dying_relu::sim::activation::ActivationKind;
use dying_relu::sim::csv;
use dying_relu::sim::data::InputScaling;
use dying_relu::sim::dead::{self, Definition};
use dying_relu::sim::init::Initializer;
use dying_relu::sim::stats::{Distribution, EpochStats, LayerStats, StatsConfig, TB_PERCENTILES};
use std::io::Write;
use std::process::{Command, Stdio};
use std::rc::Rc;

/// A small run of `settings` to the end (1,000 samples).
fn trained(settings: Settings) -> NetworkState {
    let mut state = NetworkState::new(Settings {
        samples: 1_000,
        ..settings
    });
    state.update(Msg::Train);
    let mut t = 0.0;
    let mut clock = || {
        t += 1.0;
        t
    };
    // Every frame, the full redraws' too (the plane comes with the last epoch).
    while state.wants_frames() {
        state.frame(f64::INFINITY, &mut clock, 1);
    }
    state
}

/// Runs `python3 -c CODE` with `input` on stdin: Some(Ok) when it succeeded, Some(Err(stderr))
/// when it failed, None when there is no python3 on this machine.
fn python(code: &str, input: &str) -> Option<Result<(), String>> {
    python_output(code, input).map(|r| r.map(|_| ()))
}

/// [`python`], returning what the code printed.
fn python_output(code: &str, input: &str) -> Option<Result<String, String>> {
    let mut child = match Command::new("python3")
        .args(["-c", code])
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
    {
        Ok(c) => c,
        Err(_) => {
            println!("python3 is not on this machine: the Python parser check was skipped");
            return None;
        }
    };
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    Some(if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    })
}

#[test]
fn csv_has_a_row_per_epoch_and_a_column_per_header() {
    let state = trained(Settings {
        epochs: 3,
        ..Settings::default()
    });
    let history = &state.run.history;
    assert_eq!(history.len(), 4, "epoch 0 (initial) and 3 epochs");
    let csv = export::csv(history, state.n_layers(), &state.settings.judge());
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), history.len() + 1, "header + one row per epoch");
    let header: Vec<&str> = lines[0].split(',').collect();
    // 4 leading columns, then per layer 2 fractions and 9 + 9 percentiles, then per layer
    // the share under the definition in use, the share proven dead, the meter's reading.
    assert_eq!(
        header.len(),
        4 + state.n_layers() * (2 + 2 * TB_PERCENTILES.len() + 3)
    );
    assert!(header.contains(&"hidden1_exact_share"));
    assert!(header.contains(&"output_provably_dead_fraction"));
    assert!(header.contains(&"hidden2_update_ratio_log10"));
    assert_eq!(&header[..4], ["epoch", "step", "train_loss", "val_loss"]);
    assert!(header.contains(&"hidden1_dead_fraction"));
    assert!(header.contains(&"output_mostly_off_fraction"));
    assert!(header.contains(&"hidden3_output_p6.68"));
    assert!(header.contains(&"output_weight_grad_p100"));
    for (row, stats) in lines[1..].iter().zip(history) {
        let cells: Vec<&str> = row.split(',').collect();
        assert_eq!(cells.len(), header.len(), "{row}");
        assert_eq!(cells[0], stats.epoch.to_string());
        let val: f64 = cells[3].parse().unwrap();
        assert_eq!(
            val, stats.val_loss,
            "exact round trip of the validation loss"
        );
        let dead: f64 = cells[4].parse().unwrap();
        assert_eq!(dead, stats.layers[0].dead_fraction);
    }
}

#[test]
fn json_holds_the_settings_the_seed_and_the_same_series() {
    let settings = Preset::LeakyRelu.apply(&Settings {
        epochs: 2,
        seed: 7,
        ..Settings::default()
    });
    let state = trained(settings);
    let text = export::json(&state.settings, &state.run.history, &state.data_info());
    let v: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
    assert_eq!(v["seed"], 7);
    // Every field of the table, keyed as the link is.
    for f in dying_relu::panels::network::settings::FIELDS.iter() {
        assert!(!v["settings"][f.key()].is_null(), "{} missing", f.key());
    }
    assert_eq!(v["settings"]["act"], "leaky_relu");
    assert_eq!(v["settings"]["dropout"], 0.0);
    assert_eq!(v["settings"]["out"], "same");
    assert_eq!(v["settings"]["preset"], "leaky");
    assert_eq!(v["settings"]["n"], 1000.0);
    assert_eq!(v["settings"]["lr"], 0.001);
    assert_eq!(v["settings"]["shape"], "4-8-8-8-1");
    assert!((v["dead_line"].as_f64().unwrap() - 13.0 / 3.0).abs() < 1e-12);
    assert!(v["definitions"]["data"]
        .as_str()
        .unwrap()
        .starts_with("seed 002"));
    let epochs = v["epochs"].as_array().unwrap();
    assert_eq!(epochs.len(), state.run.history.len());
    for (e, s) in epochs.iter().zip(&state.run.history) {
        assert_eq!(e["epoch"], s.epoch);
        assert_eq!(e["val_loss"].as_f64().unwrap(), s.val_loss);
        let layers = e["layers"].as_array().unwrap();
        assert_eq!(layers.len(), 4);
        assert_eq!(layers[3]["layer"], "output");
        assert_eq!(layers[0]["output_percentiles"].as_array().unwrap().len(), 9);
    }
    // Epoch 0 has no training loss: null, not NaN (which JSON cannot hold).
    assert!(epochs[0]["train_loss"].is_null() || epochs[0]["train_loss"].is_number());
}

/// Settings that exercise every branch of the script writers: each preset, plus SGD, ELU with
/// its α, a constant-free custom bias and a small batch.
fn script_cases() -> Vec<Settings> {
    let mut cases: Vec<Settings> = Preset::ALL
        .iter()
        .map(|p| p.apply(&Settings::default()))
        .collect();
    cases.push(Settings {
        preset: None,
        activation: ActivationKind::Elu,
        alpha: 0.35,
        init: Initializer::HeUniform,
        bias: -0.25,
        optimizer: Optimizer::Sgd,
        lr: 0.05,
        batch: 8,
        epochs: 12,
        seed: 1234,
        layers: 2,
        width: 16,
        samples: 5_000,
        dropout: 0.3,
        output: Output::Linear,
        ..Settings::default()
    });
    cases.push(Settings {
        dropout: 0.1,
        output: Output::Linear,
        ..Preset::SeluLecun.apply(&Settings::default())
    });
    // Every remedy at once, with Adam and with SGD (and dropout, and the record of "never").
    let every_remedy = Settings {
        preset: None,
        inputs: InputScaling::Standardise,
        warmup: 300,
        clip: 0.5,
        weight_decay: 0.01,
        redo: RedoMode::Reset,
        batch_norm: true,
        ..Settings::default()
    };
    cases.push(every_remedy.clone());
    cases.push(Settings {
        optimizer: Optimizer::Sgd,
        lr: 0.01,
        redo: RedoMode::Keep,
        dropout: 0.2,
        definition: Definition::NeverFires,
        ..every_remedy
    });
    cases
}

#[test]
fn scripts_parse_as_python_and_carry_the_settings() {
    let mut parsed = 0;
    for s in script_cases() {
        for (framework, script) in [
            ("pytorch", reproduce::pytorch(&s, None)),
            ("keras", reproduce::keras(&s, None)),
        ] {
            let expect = [
                format!("SEED = {}", s.seed),
                format!("SAMPLES = {}", s.samples),
                format!("HIDDEN_LAYERS = {}", s.layers),
                format!("WIDTH = {}", s.width),
                format!("ACTIVATION = \"{}\"", s.activation.id()),
                format!("ALPHA = {:?}", s.alpha),
                format!("KERNEL_INITIALIZER = \"{}\"", s.init.id()),
                format!("INITIAL_BIAS = {:?}", s.bias),
                format!("OPTIMIZER = \"{}\"", s.optimizer.id()),
                format!("LEARNING_RATE = {:?}", s.lr),
                format!("BATCH_SIZE = {}", s.batch),
                format!("EPOCHS = {}", s.epochs),
                format!("DROPOUT = {:?}", s.dropout),
                format!(
                    "OUTPUT_ACTIVATION = \"{}\"",
                    match s.output {
                        Output::Same => s.activation.id(),
                        Output::Linear => "linear",
                        Output::Sigmoid => "sigmoid",
                    }
                ),
            ];
            let dropout = match (framework, s.activation) {
                ("pytorch", ActivationKind::Selu) => "nn.AlphaDropout(DROPOUT)",
                ("pytorch", _) => "nn.Dropout(DROPOUT)",
                (_, ActivationKind::Selu) => "keras.layers.AlphaDropout",
                (_, _) => "keras.layers.Dropout",
            };
            assert!(script.contains(dropout), "{framework}: {dropout}");
            for e in &expect {
                assert!(script.contains(e.as_str()), "{framework} lacks `{e}`");
            }
            assert!(script.contains(&s.to_query()), "the page's query");
            assert!(script.contains("What will match: the regime"));
            let optimizer = match (framework, s.optimizer, s.weight_decay > 0.0) {
                ("pytorch", Optimizer::Adam, false) => "torch.optim.Adam(",
                ("pytorch", Optimizer::Adam, true) => "torch.optim.AdamW(",
                ("pytorch", Optimizer::Sgd, _) => "torch.optim.SGD(",
                (_, Optimizer::Adam, false) => "keras.optimizers.Adam(",
                (_, Optimizer::Adam, true) => "keras.optimizers.AdamW(",
                (_, Optimizer::Sgd, _) => "keras.optimizers.SGD(",
            };
            assert!(script.contains(optimizer), "{framework}: {optimizer}");
            if let Some(result) = python("import ast,sys; ast.parse(sys.stdin.read())", &script) {
                result.unwrap_or_else(|e| {
                    panic!("{framework} script for {s:?} is not Python: {e}\n{script}")
                });
                parsed += 1;
            }
        }
    }
    println!("{parsed} scripts parsed by Python's ast");
}

/// The learner's own data as the page holds it, from CSV text.
fn own(name: &str, text: &str, target: usize, standardise: bool) -> OwnData {
    let table = csv::parse(text).expect("a valid table");
    OwnData::new(name.to_string(), Rc::new(table), target, standardise)
}

#[test]
fn own_data_scripts_read_the_file_and_carry_its_choices() {
    let s = Settings::default();
    let sample = own("sample.csv", csv::SAMPLE, 1, true);
    let quoted = own(
        "my \"data\"\\v2.csv",
        "a;b;c\n1;2;3\n4;5;6\n7;8;9\n1;1;1\n2;2;2\n3;3;3\n4;4;4\n5;5;5\n6;6;6\n7;7;7\n",
        2,
        false,
    );
    let pasted = own(PASTED, csv::SAMPLE, 3, false);
    let mut parsed = 0;
    for (o, file) in [
        (&sample, "sample.csv"),
        (&quoted, "my \"data\"\\v2.csv"),
        (&pasted, reproduce::PASTED_FILE),
    ] {
        for (framework, script) in [
            ("pytorch", reproduce::pytorch(&s, Some(o))),
            ("keras", reproduce::keras(&s, Some(o))),
        ] {
            assert!(script.starts_with("# NOTE: the page's run used your own data"));
            assert!(script.contains(&format!("TARGET_COLUMN = {}", o.target)));
            let std = if o.standardise { "True" } else { "False" };
            assert!(script.contains(&format!("STANDARDISE = {std}")));
            assert!(
                script.contains("def read_table(path)"),
                "{framework} reads the file"
            );
            assert!(
                !script.contains("SAMPLES ="),
                "{framework}: no generated data"
            );
            assert!(
                !script.contains("13/3") && !script.contains("13 / 3"),
                "{framework}"
            );
            let dead_line = format!("the dead line E[y²] ≈ {:.3}", o.dead_loss);
            assert!(script.contains(&dead_line), "{framework}: {dead_line}");
            assert!(
                script.contains("x_train.shape[1]"),
                "{framework}: input width from the data"
            );
            let shape = s.shape_for(o.table.columns() - 1);
            assert!(
                script.contains(&format!("a {shape} network")),
                "{framework}: {shape}"
            );
            let line = script
                .lines()
                .find(|l| l.starts_with("DATA_FILE = "))
                .expect("a DATA_FILE line");
            let code = "import ast,sys; print(ast.literal_eval(sys.stdin.read().split(' = ', 1)[1].split('  #')[0]), end='')";
            if let Some(r) = python_output(code, line) {
                assert_eq!(r.unwrap(), file, "{framework}: {line}");
                let ast = python("import ast,sys; ast.parse(sys.stdin.read())", &script);
                ast.unwrap()
                    .unwrap_or_else(|e| panic!("{framework}: not Python: {e}\n{script}"));
                parsed += 1;
            }
        }
    }
    println!("{parsed} own-data scripts parsed by Python");
}

#[test]
fn the_scripts_reader_reads_a_file_as_the_page_does() {
    // The scripts' `read_table` (plain Python) against the page's parser, on files that
    // exercise each rule: header or none, separator, quotes, blank lines, CRLF, a BOM.
    let script = reproduce::pytorch(
        &Settings::default(),
        Some(&own("s.csv", csv::SAMPLE, 0, false)),
    );
    let start = script.find("def read_table").expect("the reader");
    let end = start
        + script[start..]
            .find("\n\n\ntable = ")
            .expect("the reader's end");
    let reader = &script[start..end];
    let rows = |n: usize, f: &dyn Fn(usize) -> String| (0..n).map(f).collect::<Vec<_>>().join("");
    let files = [
        csv::SAMPLE.to_string(),
        format!(
            "\u{feff}\"x\";\"y\";z\r\n{}",
            rows(12, &|i| format!(" \"{i}\" ; {}.5;-{i}e-1\r\n\r\n", i * 3))
        ),
        rows(11, &|i| format!("{i}\t{}\t7\n", 10 - i)),
        format!(
            "a,b\n\n{}",
            rows(10, &|i| format!("{i},\"{}\"\n", i as f64 / 3.0))
        ),
        format!("p;q,r;s\n{}", rows(10, &|i| format!("{i};{i};{i}\n"))),
    ];
    let dir = std::env::temp_dir().join(format!("dying-relu-reader-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut checked = 0;
    for (i, text) in files.iter().enumerate() {
        let table = csv::parse(text).unwrap_or_else(|e| panic!("file {i}: {e}"));
        let path = dir.join(format!("f{i}.csv"));
        std::fs::write(&path, text).unwrap();
        let code =
            format!("import json,sys\n{reader}\n\nprint(json.dumps(read_table(sys.stdin.read())))");
        let Some(out) = python_output(&code, path.to_str().unwrap()) else {
            break;
        };
        let got: Vec<Vec<f64>> = serde_json::from_str(&out.unwrap()).unwrap();
        let want: Vec<Vec<f64>> = table
            .values
            .chunks_exact(table.columns())
            .map(|r| r.to_vec())
            .collect();
        assert_eq!(got, want, "file {i}:\n{text}");
        checked += 1;
    }
    let _ = std::fs::remove_dir_all(&dir);
    println!("{checked} files read alike by the page and the scripts");
}

#[test]
fn keras_initializers_are_named_and_torch_writes_them_out() {
    let s = Preset::SeluLecun.apply(&Settings::default());
    assert!(reproduce::keras(&s, None).contains("keras.initializers.LecunNormal(seed=SEED + i)"));
    let torch = reproduce::pytorch(&s, None);
    assert!(torch.contains("0.8796256610342398"), "truncated normal's σ");
    assert!(torch.contains("nn.SELU()"));
    let neg = Preset::UniformNeg.apply(&Settings::default());
    assert!(reproduce::pytorch(&neg, None).contains("nn.init.uniform_(weight, -1.0, 0.0)"));
    assert!(reproduce::keras(&neg, None).contains("RandomUniform(minval=-1.0, maxval=0.0"));
}

/// Every initializer in every preset, and the other script cases.
fn every_initializer_case() -> Vec<Settings> {
    let mut cases: Vec<Settings> = Preset::ALL
        .iter()
        .flat_map(|p| {
            Initializer::ALL.iter().map(move |&init| Settings {
                init,
                ..p.apply(&Settings::default())
            })
        })
        .collect();
    cases.extend(script_cases());
    cases
}

/// Runs a Keras script's settings and model code (plain Python, no TensorFlow) with a
/// stand-in `keras` that records what is built, printing per script how many distinct kernel
/// initializer instances its `Dense` layers got and each one's (class, seed).
const RECORD_KERAS_INITIALIZERS: &str = r#"
import json, sys
made = []
class Stub:
    def __init__(self, path, kw=None):
        self.path, self.kw = path, kw or {}
    def __getattr__(self, name):
        return Stub(self.path + "." + name)
    def __call__(self, *args, **kw):
        made.append(Stub(self.path, kw))
        return made[-1]
    def __mro_entries__(self, bases):  # a class made from it (the warmup's schedule)
        return (object,)
class Data:
    shape = (700, 4)
out = []
for src in json.loads(sys.stdin.read()):
    made.clear()
    env = {"keras": Stub("keras"), "tf": Stub("tf"), "x_train": Data()}
    exec(src[:src.index("\nimport ")], env)
    start = src.index("\nactivation = ")
    exec(src[start:src.index("\n", src.index("model.compile(", start))], env)
    inits = [d.kw["kernel_initializer"] for d in made if d.path == "keras.layers.Dense"]
    out.append({"instances": len({id(i) for i in inits}),
                "layers": [[i.path, i.kw.get("seed")] for i in inits]})
print(json.dumps(out))
"#;

/// Issue #25: a seeded Keras initializer instance gives the same values on every call, so one
/// instance shared by every `Dense` started layers of the same shape with identical kernels.
#[test]
fn keras_gives_every_layer_its_own_seeded_initializer() {
    let cases = every_initializer_case();
    let scripts: Vec<String> = cases.iter().map(|s| reproduce::keras(s, None)).collect();
    for (s, script) in cases.iter().zip(&scripts) {
        let init = s.init.id();
        assert!(
            script.contains("\ndef kernel_initializer(i):\n"),
            "{init}: an initializer made per layer\n{script}"
        );
        assert!(
            !script
                .lines()
                .any(|l| l.starts_with("kernel_initializer =")),
            "{init}: no instance shared by the layers\n{script}"
        );
        let seeded = !matches!(s.init, Initializer::Constant(_));
        let def = &script[script.find("def kernel_initializer(i):").unwrap_or(0)..];
        let def = &def[..def.find("\n\n").unwrap_or(def.len())];
        assert_eq!(
            def.contains("(seed=SEED + i)") || def.contains(", seed=SEED + i)"),
            seeded,
            "{init}: a seed per layer\n{script}"
        );
        let body = &script[script
            .find("for i, width in enumerate(")
            .expect("the layer loop")..];
        let body = &body[..body.find("\nmodel = ").expect("the model")];
        assert_eq!(script.matches("keras.layers.Dense(").count(), 1, "{init}");
        assert!(
            body.contains("keras.layers.Dense(")
                && body.contains("kernel_initializer=kernel_initializer(i),"),
            "{init}: each Dense in the loop makes its own\n{body}"
        );
    }
    let Some(out) = python_output(
        RECORD_KERAS_INITIALIZERS,
        &serde_json::to_string(&scripts).unwrap(),
    ) else {
        return;
    };
    let out = out.unwrap_or_else(|e| panic!("the Keras model code did not run: {e}"));
    let got: Vec<serde_json::Value> = serde_json::from_str(&out).unwrap();
    assert_eq!(got.len(), cases.len());
    for (s, g) in cases.iter().zip(&got) {
        let class = match s.init {
            Initializer::HeNormal => "HeNormal",
            Initializer::HeUniform => "HeUniform",
            Initializer::LecunNormal => "LecunNormal",
            Initializer::LecunUniform => "LecunUniform",
            Initializer::GlorotNormal => "GlorotNormal",
            Initializer::GlorotUniform => "GlorotUniform",
            Initializer::RandomUniform { .. } => "RandomUniform",
            Initializer::Constant(_) => "Constant",
        };
        let layers = s.layers as u64 + 1;
        assert_eq!(
            g["instances"],
            layers,
            "{}: one instance per layer: {g}",
            s.init.id()
        );
        let want: Vec<serde_json::Value> = (0..layers)
            .map(|i| {
                let seed = match s.init {
                    Initializer::Constant(_) => serde_json::Value::Null,
                    _ => (s.seed + i).into(),
                };
                serde_json::json!([format!("keras.initializers.{class}"), seed])
            })
            .collect();
        assert_eq!(
            g["layers"],
            serde_json::Value::from(want),
            "{}",
            s.init.id()
        );
    }
    println!("{} Keras models built with a stand-in keras", got.len());
}

/// Checks an SVG is well-formed XML (with Python's parser when there is one) and holds `texts`.
fn check_svg(svg: &str, texts: &[&str]) {
    assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
    let (w, h) = SLIDE_SIZE;
    assert!(svg.contains(&format!("width=\"{w}\"")) && svg.contains(&format!("height=\"{h}\"")));
    for t in texts {
        assert!(svg.contains(t), "SVG lacks “{t}”");
    }
    if let Some(r) = python(
        "import sys, xml.dom.minidom; xml.dom.minidom.parseString(sys.stdin.buffer.read())",
        svg,
    ) {
        r.expect("the SVG parses as XML");
    }
}

#[test]
fn every_chart_exports_a_slide_svg_with_its_labels() {
    let act = ActivationSettings::default();
    check_svg(
        &slide_svg(&act, 0).unwrap(),
        &["pre-activation x (no unit)", "f(x): ReLU"],
    );
    let mut neuron = NeuronState::new(Default::default());
    neuron.update(NeuronMsg::LargeStep);
    for i in 0..neuron.figures().len() {
        check_svg(&slide_svg(&neuron, i).unwrap(), &[]);
    }
    check_svg(&slide_svg(&neuron, 2).unwrap(), &["w1"]);
    let mut net = trained(Settings {
        epochs: 2,
        ..Settings::default()
    });
    let figures = net.figures();
    assert_eq!(figures.len(), 6, "no comparison until one is run");
    check_svg(
        &slide_svg(&net, 0).unwrap(),
        &[
            "epoch (passes over the training data)",
            "loss: mean squared error (no unit)",
        ],
    );
    check_svg(&slide_svg(&net, 1).unwrap(), &[]);
    check_svg(&slide_svg(&net, 2).unwrap(), &["share of values (%)"]);
    net.update(Msg::Compare);
    check_svg(
        &slide_svg(&net, 3).unwrap(),
        &["log10(std(Δw) / std(w)) (no unit)", "Karpathy", "hidden 1"],
    );
    // The input plane (a slice through seed 002's mean) and the atlas of its 24 units.
    check_svg(
        &slide_svg(&net, 4).unwrap(),
        &["x1 (others at their mean)", "x2 (others at their mean)"],
    );
    check_svg(&slide_svg(&net, 5).unwrap(), &["layer 1", "layer 3"]);
    assert_eq!(net.figures().len(), 7);
    check_svg(&slide_svg(&net, 6).unwrap(), &["val. loss (no unit)"]);
}

#[test]
fn file_names_say_what_and_with_which_settings() {
    let act = ActivationSettings {
        kind: ActivationKind::LeakyRelu,
        alpha: 0.1,
    };
    assert_eq!(
        act.file_name(0, "svg"),
        "activation-curve_leaky_relu_alpha0.1.svg"
    );
    let neuron = NeuronState::new(dying_relu::panels::neuron::state::Settings {
        kind: ActivationKind::LeakyRelu,
        alpha: 0.1,
        lr: 0.01,
        bias: 0.0,
        clip: 0.0,
    });
    assert_eq!(
        neuron.file_name(0, "png"),
        "neuron-gate_leaky_relu_lr0.01_b0_alpha0.1_step0.png"
    );
    let net = NetworkState::new(Settings::default());
    assert_eq!(net.file_name(0, "svg"), "network-loss_relu3_epoch0.svg");
    assert_eq!(
        export::file_name(&net.settings_tag(), "csv"),
        "network-run_relu3_epoch0.csv"
    );
    // Dropout and the output activation are in the name (they were left out when it was
    // written by hand), and a run on own data says so.
    let mut s = Settings::default();
    s.set("dropout", &dying_relu::spec::Value::Number(0.2));
    s.set("out", &dying_relu::spec::Value::Choice("linear".into()));
    let net = NetworkState::new(s);
    let name = net.file_name(0, "svg");
    assert_eq!(name, "network-loss_custom_out-linear_dropout0.2_epoch0.svg");
    // A preset with one thing changed says which.
    let mut s = Settings::default();
    s.set("preset", &dying_relu::spec::Value::Choice("redo".into()));
    s.set("seed", &dying_relu::spec::Value::Number(7.0));
    assert_eq!(
        NetworkState::new(s).file_name(0, "png"),
        "network-loss_redo_seed7_epoch0.png"
    );
    let dying = dying_relu::panels::dying::state::State::new(Default::default());
    assert_eq!(
        dying.file_name(0, "png"),
        "dying-phase-map_layers3_width8_relu_adam_epochs3_res21_dead_bwidth3_trials600_auto.png"
    );
}

/// What each definition's branch of the scripts' `dead_verdicts` returns.
fn definition_code(d: Definition) -> &'static str {
    match d {
        Definition::Exact => "return off.all(axis=0)",
        Definition::NeverFires => "return ~fired",
        Definition::Dormant => "return dormant_scores(outputs) <= tau",
        Definition::NearZero => "return near_zero(outputs).all(axis=0)",
        Definition::ZeroFraction => "return (outputs == 0).all(axis=0)",
    }
}

/// The block of a script that holds the definitions of dead (plain numpy), and the settings
/// it reads, as Python code to run.
fn definitions_of(script: &str) -> String {
    let start = script
        .find("# ---- What counts as dead")
        .expect("the definitions' block");
    let end = start
        + script[start..]
            .find("# ---- end of the definitions ----")
            .expect("the block's end");
    let constants: Vec<&str> = script
        .lines()
        .filter(|l| {
            ["DEFINITION = ", "TAU = ", "NEAR_ZERO = ", "MOSTLY_OFF = "]
                .iter()
                .any(|c| l.starts_with(c))
        })
        .collect();
    assert_eq!(constants.len(), 4, "{constants:?}");
    format!("{}\n{}", constants.join("\n"), &script[start..end])
}

#[test]
fn scripts_carry_each_definition_of_dead_and_parse() {
    let mut parsed = 0;
    for def in Definition::ALL {
        let s = Settings {
            definition: def,
            tau: 0.05,
            ..Settings::default()
        };
        for (framework, script) in [
            ("pytorch", reproduce::pytorch(&s, None)),
            ("keras", reproduce::keras(&s, None)),
        ] {
            for e in [
                format!(
                    "DEFINITION = \"{}\"  # what the report counts as dead: ",
                    def.id()
                ),
                "TAU = 0.05  #".to_string(),
                "NEAR_ZERO = 0.05  #".to_string(),
                format!("    if definition == \"{}\":", def.id()),
                definition_code(def).to_string(),
            ] {
                assert!(
                    script.contains(&e),
                    "{framework}, {}: lacks `{e}`",
                    def.id()
                );
            }
            assert!(
                script.contains(&s.to_query()),
                "{framework}: the page's query"
            );
            // The record of the training batches that "never" reads, hooked up for it.
            let record: &[&str] = if framework == "pytorch" {
                &[
                    "if DEFINITION == \"never\":\n    for dense, act in layers:\n        act.register_forward_pre_hook(keep_z)",
                    "fired[i] = record_firing(fired[i], derivative_is_zero(layers[i][1], z).numpy())",
                    "report(epoch, total / n_train, validation_loss(), dead_units(fired))",
                ]
            } else {
                &[
                    "def on_train_batch_begin(self, batch, logs=None):",
                    "record = [FiringRecord(xs)] if DEFINITION == \"never\" else []",
                    "shuffle=False, verbose=0, callbacks=record)",
                    "report(epoch, history.history[\"loss\"][-1], validation_loss(), dead_units(fired))",
                ]
            };
            for r in record {
                assert!(script.contains(r), "{framework}: lacks `{r}`\n{script}");
            }
            if let Some(result) = python("import ast,sys; ast.parse(sys.stdin.read())", &script) {
                result.unwrap_or_else(|e| {
                    panic!("{framework}, {}: not Python: {e}\n{script}", def.id())
                });
                parsed += 1;
            }
        }
    }
    println!("{parsed} scripts, one per definition and framework, parsed by Python's ast");
}

/// One ReLU layer as the page's statistics hold it (as `sim::train` computes them), from its
/// pre-activations `z[sample][unit]` on the validation samples and, when given, on the
/// epoch's training batches; with the outputs and the f′ = 0 masks for the scripts.
struct Layer {
    stats: LayerStats,
    outputs: Vec<Vec<f32>>,
    off: Vec<Vec<bool>>,
    train_off: Option<Vec<Vec<Vec<bool>>>>,
}

fn relu_layer(z: Vec<Vec<f32>>, train: Option<Vec<Vec<Vec<f32>>>>) -> Layer {
    let n = z.len();
    let units = z[0].len();
    let relu = |v: f32| if v > 0.0 { v } else { 0.0 };
    let outputs: Vec<Vec<f32>> = z
        .iter()
        .map(|r| r.iter().map(|&v| relu(v)).collect())
        .collect();
    let off: Vec<Vec<bool>> = z
        .iter()
        .map(|r| r.iter().map(|&v| v <= 0.0).collect())
        .collect();
    let column = |m: &Vec<Vec<f32>>, j: usize| m.iter().map(|r| r[j]).collect::<Vec<f32>>();
    let nn = n as f64;
    let offs: Vec<usize> = (0..units)
        .map(|j| off.iter().filter(|r| r[j]).count())
        .collect();
    let alive: Vec<bool> = offs.iter().map(|&o| o < n).collect();
    let off_fraction: Vec<f64> = offs.iter().map(|&o| o as f64 / nn).collect();
    let near = dead::NEAR_ZERO as f32;
    let mean_abs_output = (0..units)
        .map(|j| column(&outputs, j).iter().map(|v| v.abs()).sum::<f32>() as f64 / nn)
        .collect();
    let share = |j: usize, f: &dyn Fn(f32) -> bool| {
        column(&outputs, j).iter().filter(|&&v| f(v)).count() as f64 / nn
    };
    let fired_in_training = match &train {
        Some(batches) => (0..units)
            .map(|j| batches.iter().flatten().any(|r| r[j] > 0.0))
            .collect(),
        None => alive.clone(),
    };
    let dist = |mut v: Vec<f32>| Distribution::from_values(&mut v, 30);
    let stats = LayerStats {
        units,
        pre_activation: dist(z.iter().flatten().copied().collect()),
        output: dist(outputs.iter().flatten().copied().collect()),
        weight_grad: dist(vec![]),
        bias_grad: dist(vec![]),
        grad_norm_last: 0.0,
        grad_norm_mean: 0.0,
        mostly_off: off_fraction
            .iter()
            .map(|&f| f > StatsConfig::default().mostly_off_threshold)
            .collect(),
        off_fraction,
        max_pre_activation: (0..units)
            .map(|j| {
                column(&z, j)
                    .iter()
                    .fold(f64::NEG_INFINITY, |m, &v| m.max(v as f64))
            })
            .collect(),
        dead_fraction: alive.iter().filter(|a| !**a).count() as f64 / units as f64,
        deaths: vec![None; units],
        mean_abs_output,
        zero_fraction: (0..units).map(|j| share(j, &|v| v == 0.0)).collect(),
        near_zero_fraction: (0..units).map(|j| share(j, &|v| v.abs() <= near)).collect(),
        fired_in_training,
        provably_dead: vec![false; units],
        alive,
    };
    let train_off = train.map(|batches| {
        batches
            .iter()
            .map(|b| {
                b.iter()
                    .map(|r| r.iter().map(|&v| v <= 0.0).collect())
                    .collect()
            })
            .collect()
    });
    Layer {
        stats,
        outputs,
        off,
        train_off,
    }
}

/// Hand-made layers: a unit never positive, one positive on one sample (and never in the
/// training batches), one tiny but nonzero, a healthy one (with an output of exactly 0.05 and
/// a pre-activation of exactly 0); the same before any training batch; a layer all 0; a
/// layer alive but all near zero; a layer whose shares are exactly 12.5%.
fn hand_made_layers() -> Vec<Layer> {
    let four = |k: usize| {
        let healthy = match k {
            0 => 0.05,
            1 => 0.0,
            _ => ((k * 37) % 100) as f32 / 50.0 - 0.6,
        };
        vec![
            -0.3 - 0.01 * (k % 7) as f32,
            if k == 7 { 0.8 } else { -0.5 },
            1e-3 * (1 + k % 3) as f32,
            healthy,
        ]
    };
    let val: Vec<Vec<f32>> = (0..200).map(four).collect();
    let batch = |b: usize| -> Vec<Vec<f32>> {
        (0..10)
            .map(|k| {
                vec![
                    -0.2,
                    -0.1,
                    1e-3,
                    if (k + b).is_multiple_of(2) { 0.5 } else { -0.5 },
                ]
            })
            .collect()
    };
    let all_zero: Vec<Vec<f32>> = (0..20)
        .map(|k| vec![-1.0, 0.0, -(k as f32) / 10.0])
        .collect();
    let zero_train = vec![(0..4)
        .map(|k| vec![-1.0, if k == 2 { 0.3 } else { 0.0 }, -0.5])
        .collect()];
    let small: Vec<Vec<f32>> = (0..50)
        .map(|k| {
            vec![
                0.01 + (k % 4) as f32 * 0.01,
                0.02,
                0.04 + (k % 2) as f32 * 0.005,
            ]
        })
        .collect();
    // 2 of its 16 outputs 0: 12.5%, which the page rounds up to 13%.
    let eighth: Vec<Vec<f32>> = (0..8)
        .map(|k| vec![if k < 2 { -1.0 } else { 0.5 }, 0.7])
        .collect();
    vec![
        relu_layer(val.clone(), Some(vec![batch(0), batch(1)])),
        relu_layer(val, None),
        relu_layer(all_zero, Some(zero_train)),
        relu_layer(small, None),
        relu_layer(eighth, None),
    ]
}

/// Runs each script's definitions block (numpy only) on each layer: per script and layer,
/// `dead_verdicts`, `layer_numbers` and `counted` in the page's words.
const RUN_DEFINITIONS: &str = r#"
import json, sys
import numpy as np
job = json.loads(sys.stdin.read())
out = []
for code in job["scripts"]:
    env = {"np": np}
    exec(code, env)
    got = []
    for layer in job["layers"]:
        outputs = np.array(layer["outputs"], dtype=np.float32)
        off = np.array(layer["off"], dtype=bool)
        fired = None
        if layer["train_off"] is not None:
            fired = np.zeros(off.shape[1], dtype=bool)
            for batch in layer["train_off"]:
                fired = env["record_firing"](fired, np.array(batch, dtype=bool))
        verdicts = env["dead_verdicts"](outputs, off, fired, env["DEFINITION"], env["TAU"])
        numbers = env["layer_numbers"](outputs, off, fired)
        words = env["counted"](numbers[3], numbers[2], env["DEFINITION"], env["TAU"])
        got.append({"verdicts": [bool(v) for v in verdicts], "numbers": list(numbers), "words": words})
    out.append(got)
print(json.dumps(out))
"#;

/// Per definition and τ, each script's definitions block: (definition, τ, framework, code).
fn definition_cases() -> Vec<(Definition, f64, &'static str, String)> {
    let mut cases = Vec::new();
    for def in Definition::ALL {
        for tau in [0.0, 0.025, 0.05, 0.2] {
            let s = Settings {
                definition: def,
                tau,
                ..Settings::default()
            };
            for (framework, script) in [
                ("pytorch", reproduce::pytorch(&s, None)),
                ("keras", reproduce::keras(&s, None)),
            ] {
                cases.push((def, tau, framework, definitions_of(&script)));
            }
        }
    }
    cases
}

/// The hand-made layers tell the definitions apart, so the scripts' check can fail.
#[test]
fn hand_made_layers_tell_the_definitions_apart() {
    let layers = hand_made_layers();
    let verdicts = |d, tau| dead::dead_units(&layers[0].stats, d, tau);
    let cases = [
        (Definition::Exact, 0.025, [true, false, false, false]),
        (Definition::NeverFires, 0.025, [true, true, false, false]),
        (Definition::Dormant, 0.0, [true, false, false, false]),
        (Definition::Dormant, 0.025, [true, false, true, false]),
        (Definition::Dormant, 0.05, [true, true, true, false]),
        (Definition::NearZero, 0.025, [true, false, true, false]),
        (Definition::ZeroFraction, 0.025, [true, false, false, false]),
    ];
    for (d, tau, want) in cases {
        assert_eq!(verdicts(d, tau), want, "{} at τ = {tau}", d.id());
    }
    let all_zero = &layers[2].stats;
    assert!(dead::dead_units(all_zero, Definition::Dormant, 0.0)
        .iter()
        .all(|d| *d));
    let eighth = &layers[4].stats;
    assert_eq!(
        dead::layer_share(eighth, Definition::ZeroFraction, 0.0),
        0.125
    );
}

/// One script's results on one hand-made layer against the page's (`sim::dead`, `counted`).
fn check_against_the_page(
    def: Definition,
    tau: f64,
    at: &str,
    l: &LayerStats,
    g: &serde_json::Value,
) {
    let want = dead::dead_units(l, def, tau);
    assert_eq!(
        g["verdicts"],
        serde_json::json!(want),
        "{at}: unit verdicts"
    );
    let n = &g["numbers"];
    assert_eq!(n[0], l.dead_count(), "{at}: exactly dead");
    let mostly = l
        .mostly_off
        .iter()
        .zip(&l.alive)
        .filter(|(m, a)| **m && **a)
        .count();
    assert_eq!(n[1], mostly, "{at}: mostly off");
    assert_eq!(n[2], l.units, "{at}: units");
    let chosen = n[3].as_f64().unwrap();
    if def.judges_units() {
        let count = want.iter().filter(|d| **d).count() as f64;
        assert_eq!(chosen, count, "{at}: count");
    } else {
        let share = dead::layer_share(l, def, tau);
        assert!(
            (chosen - share).abs() < 1e-12,
            "{at}: share {chosen} against {share}"
        );
    }
    let one = EpochStats {
        epoch: 1,
        step: 0,
        train_loss: f64::NAN,
        val_loss: 0.0,
        layers: vec![l.clone()],
        update_ratios: vec![],
        recycled: vec![],
        clipped_steps: 0,
        val_accuracy: None,
    };
    let judge = Judge {
        definition: def,
        tau,
    };
    assert_eq!(
        g["words"],
        words::counted(&one, &judge, l.units),
        "{at}: the page's words"
    );
}

/// Issue #26: the scripts compute the chosen definition as the page does. Each script's
/// numpy block, run on the hand-made layers, gives `sim::dead`'s verdicts, counts and shares
/// and the page's words (where python3 has numpy; skipped otherwise).
#[test]
fn scripts_definitions_of_dead_give_the_pages_verdicts() {
    let layers = hand_made_layers();
    let cases = definition_cases();
    match python_output("import numpy", "") {
        None => return,
        Some(Err(_)) => {
            println!("python3 has no numpy: the scripts' definitions were not run");
            return;
        }
        Some(Ok(_)) => {}
    }
    let job = serde_json::json!({
        "scripts": cases.iter().map(|c| c.3.clone()).collect::<Vec<_>>(),
        "layers": layers
            .iter()
            .map(|l| serde_json::json!({"outputs": l.outputs, "off": l.off, "train_off": l.train_off}))
            .collect::<Vec<_>>(),
    });
    let out = python_output(RUN_DEFINITIONS, &job.to_string())
        .unwrap()
        .unwrap_or_else(|e| panic!("the scripts' definitions did not run: {e}"));
    let got: Vec<Vec<serde_json::Value>> = serde_json::from_str(&out).unwrap();
    assert_eq!(got.len(), cases.len());
    for ((def, tau, framework, _), got) in cases.iter().zip(&got) {
        assert_eq!(got.len(), layers.len());
        for (i, (layer, g)) in layers.iter().zip(got).enumerate() {
            let at = format!("{framework}, {} at τ = {tau}, layer {i}", def.id());
            check_against_the_page(*def, *tau, &at, &layer.stats, g);
        }
    }
    println!(
        "{} scripts' definitions of dead run on {} hand-made layers: the page's verdicts",
        cases.len(),
        layers.len()
    );
}

/// A remedy of issue #27 on the default net: its settings, the constant line both scripts
/// carry, and the code that applies it in both, in PyTorch only and in Keras only.
struct Remedy {
    name: &'static str,
    settings: Settings,
    constants: Vec<String>,
    both: Vec<&'static str>,
    torch: Vec<&'static str>,
    keras: Vec<&'static str>,
}

/// What ReDo's code is, in either mode (and on top of batch normalization).
const REDO_CODE: [&str; 3] = [
    "def redo_select(outputs, tau):",
    "\n    return dormant_scores(outputs) <= tau",
    "    if REDO == \"reset\":",
];
const TORCH_REDO_CODE: [&str; 9] = [
    "    act.register_forward_hook(keep_h)",
    "        batch_h.append(output.detach().numpy())",
    "                init_kernel(fresh)\n                dense.weight[unit] = fresh[unit]",
    "                dense.bias[unit] = INITIAL_BIAS",
    "                after[:, unit] = 0.0",
    "                    state[moment][index] = 0.0",
    "            if restart and \"step\" in state:\n                state[\"step\"].zero_()",
    "        steps += 1\n        if steps % REDO_EVERY == 0:\n            recycle(batch_h)",
    "steps = 0",
];
const KERAS_REDO_CODE: [&str; 8] = [
    "fresh = np.asarray(kernel_initializer(i + (HIDDEN_LAYERS + 1) * draw)(tuple(dense.kernel.shape)))",
    "            set_where(dense.kernel, (slice(None), unit), fresh[:, unit])",
    "            set_where(dense.bias, unit, INITIAL_BIAS)",
    "            set_where(after, unit, 0.0)",
    "            for moment in optimizer_moments(variable):\n                set_where(moment, index, 0.0)",
    "        if (int(optimizer.iterations.numpy()) + 1) % REDO_EVERY == 0:",
    "    def on_train_batch_end(self, batch, logs=None):\n        if self.outputs is not None:\n            recycle(self.outputs)",
    "    record.append(Recycler(xs))  # REDO",
];

/// A remedy that writes `both` into both scripts, `torch` into PyTorch's, `keras` into Keras'.
fn remedy(
    name: &'static str,
    settings: Settings,
    constants: &[&str],
    code: [&[&'static str]; 3],
) -> Remedy {
    let [both, torch, keras] = code;
    Remedy {
        name,
        settings,
        constants: constants.iter().map(|c| c.to_string()).collect(),
        both: both.to_vec(),
        torch: torch.to_vec(),
        keras: keras.to_vec(),
    }
}

/// Each remedy, and ReDo in both modes and with batch normalization.
fn remedies() -> Vec<Remedy> {
    let mut all = input_remedies();
    all.extend(optimizer_remedies());
    all.extend(network_remedies());
    all
}

/// The inputs centred and standardised.
fn input_remedies() -> Vec<Remedy> {
    let standardised = Settings {
        preset: None,
        inputs: InputScaling::Standardise,
        ..Settings::default()
    };
    vec![
        remedy(
            "centred inputs",
            Preset::Centred.apply(&Settings::default()),
            &["INPUT_SCALING = \"centred\"  #"],
            [
                &["shift = x_train.astype(np.float64).mean(axis=0)\nx_train, x_val = (x_train - shift).astype(np.float32), (x_val - shift).astype(np.float32)"],
                &[],
                &[],
            ],
        ),
        remedy(
            "standardised inputs",
            standardised,
            &["INPUT_SCALING = \"standardised\"  #"],
            [
                &[
                    "shift, scale = x_train.astype(np.float64).mean(axis=0), x_train.astype(np.float64).std(axis=0)\nscale = np.where(scale > 0, scale, 1.0)",
                    "x_train, x_val = ((x_train - shift) / scale).astype(np.float32), ((x_val - shift) / scale).astype(np.float32)",
                ],
                &[],
                &[],
            ],
        ),
    ]
}

/// Warmup, clipping, AdamW and SGD's weight decay.
fn optimizer_remedies() -> Vec<Remedy> {
    let d = Settings::default;
    let decay = Settings {
        preset: None,
        weight_decay: 0.01,
        ..d()
    };
    let sgd_decay = Settings {
        optimizer: Optimizer::Sgd,
        lr: 0.01,
        ..decay.clone()
    };
    vec![
        remedy("warmup", Preset::Warmup.apply(&d()), &["WARMUP_STEPS = 500  #"], [
            &[],
            &[
                "warmup = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda t: min(1.0, (t + 1) / WARMUP_STEPS))",
                "        optimizer.step()\n        warmup.step()",
            ],
            &[
                "class Warmup(keras.optimizers.schedules.LearningRateSchedule):",
                "        return LEARNING_RATE * tf.minimum(1.0, (tf.cast(step, tf.float32) + 1.0) / WARMUP_STEPS)",
                "optimizer = keras.optimizers.Adam(learning_rate=Warmup(), ",
            ],
        ]),
        remedy("clipping", Preset::Clipping.apply(&d()), &["CLIP_NORM = 1.0  #"], [
            &[],
            &["        loss.backward()\n        nn.utils.clip_grad_norm_(model.parameters(), CLIP_NORM)"],
            &["optimizer = keras.optimizers.Adam(learning_rate=LEARNING_RATE, global_clipnorm=CLIP_NORM, "],
        ]),
        remedy("AdamW", decay, &["WEIGHT_DECAY = 0.01  #"], [
            &[],
            &["optimizer = torch.optim.AdamW(model.parameters(), lr=LEARNING_RATE, betas=(0.9, 0.999), eps=1e-7, weight_decay=WEIGHT_DECAY)"],
            &["optimizer = keras.optimizers.AdamW(learning_rate=LEARNING_RATE, weight_decay=WEIGHT_DECAY, beta_1=0.9, "],
        ]),
        remedy(
            "SGD's weight decay",
            sgd_decay,
            &["WEIGHT_DECAY = 0.01  #", "OPTIMIZER = \"sgd\""],
            [
                &[],
                &[
                    "optimizer = torch.optim.SGD(model.parameters(), lr=LEARNING_RATE, weight_decay=WEIGHT_DECAY)\n",
                    "# WEIGHT_DECAY: torch's SGD adds λ·p to the gradient, which for SGD (no momentum) is the same update",
                ],
                &["optimizer = keras.optimizers.SGD(learning_rate=LEARNING_RATE, weight_decay=WEIGHT_DECAY)\n"],
            ],
        ),
    ]
}

/// ReDo (reset, keep, on batch norm) and batch normalization.
fn network_remedies() -> Vec<Remedy> {
    let d = Settings::default;
    let keep = Settings {
        preset: None,
        redo: RedoMode::Keep,
        ..d()
    };
    let redo_norm = Settings {
        preset: None,
        batch_norm: true,
        ..Preset::Redo.apply(&d())
    };
    let redo_consts = |mode: &str| {
        [
            format!("REDO = \"{mode}\"  #"),
            format!("REDO_EVERY = {REDO_EVERY}  #"),
            format!("REDO_TAU = {REDO_TAU:?}  #"),
        ]
    };
    let (reset, keeping) = (redo_consts("reset"), redo_consts("keep"));
    let redo_code = [&REDO_CODE[..], &TORCH_REDO_CODE[..], &KERAS_REDO_CODE[..]];
    vec![
        remedy("ReDo, reset", Preset::Redo.apply(&d()), &reset.each_ref().map(|c| c.as_str()), redo_code),
        remedy("ReDo, keep", keep, &keeping.each_ref().map(|c| c.as_str()), redo_code),
        remedy("batch norm", Preset::BatchNorm.apply(&d()), &["BATCH_NORM = True  #"], [
            &[],
            &[
                "norms = [nn.BatchNorm1d(WIDTH, eps=1e-3, momentum=0.01) for _ in range(HIDDEN_LAYERS)]",
                "    modules.append(pair[0])\n    if i < HIDDEN_LAYERS:\n        modules.append(norms[i])",
                "            z = dense(h)\n            if i < HIDDEN_LAYERS:\n                z = norms[i](z)",
            ],
            &[
                "        activation=None if i < HIDDEN_LAYERS else output_activation,",
                "        stack.append(keras.layers.BatchNormalization(momentum=0.99, epsilon=1e-3))\n        stack.append(keras.layers.Activation(activation))",
                "def forward(x, batch=False):",
                "            z = norm.gamma * (z - mean) / tf.sqrt(var + norm.epsilon) + norm.beta",
            ],
        ]),
        remedy(
            "ReDo on batch norm",
            redo_norm,
            &["BATCH_NORM = True  #", "REDO = \"reset\"  #"],
            [
                &REDO_CODE,
                &["                norm.running_mean[unit], norm.running_var[unit] = 0.0, 1.0"],
                &[
                    "                set_where(variable, unit, value)\n            touched += [(norm.gamma, unit), (norm.beta, unit)]",
                    "            self.outputs = [h for h, _ in forward(rows, batch=True)[:HIDDEN_LAYERS]]",
                ],
            ],
        ),
    ]
}

/// The default script's remedies: every constant says off.
const REMEDIES_OFF: [&str; 8] = [
    "INPUT_SCALING = \"raw\"  #",
    "WARMUP_STEPS = 0  #",
    "CLIP_NORM = 0.0  #",
    "WEIGHT_DECAY = 0.0  #",
    "REDO = \"off\"  #",
    "REDO_EVERY = 100  #",
    "REDO_TAU = 0.025  #",
    "BATCH_NORM = False  #",
];

/// Issue #27: both scripts carry every remedy, its constant and the code that applies it, and
/// the code only when it is on (the default scripts have none of it); all parse as Python.
#[test]
fn scripts_carry_every_remedy_and_its_code_only_when_on() {
    let all = remedies();
    let mut parsed = 0;
    let default = Settings::default();
    for (framework, script) in [
        ("pytorch", reproduce::pytorch(&default, None)),
        ("keras", reproduce::keras(&default, None)),
    ] {
        for c in REMEDIES_OFF {
            assert!(script.contains(&format!("\n{c}")), "{framework}: `{c}`");
        }
        for r in &all {
            let own = if framework == "pytorch" {
                &r.torch
            } else {
                &r.keras
            };
            for code in r.both.iter().chain(own) {
                assert!(
                    !script.contains(code),
                    "{framework}: the default has {}'s `{code}`",
                    r.name
                );
            }
        }
    }
    for r in &all {
        for (framework, script, own) in [
            ("pytorch", reproduce::pytorch(&r.settings, None), &r.torch),
            ("keras", reproduce::keras(&r.settings, None), &r.keras),
        ] {
            for c in &r.constants {
                assert!(
                    script.contains(&format!("\n{c}")),
                    "{framework}, {}: `{c}`",
                    r.name
                );
            }
            for code in r.both.iter().chain(own) {
                assert!(
                    script.contains(code),
                    "{framework}, {}: lacks `{code}`\n{script}",
                    r.name
                );
            }
            if let Some(result) = python("import ast,sys; ast.parse(sys.stdin.read())", &script) {
                result.unwrap_or_else(|e| {
                    panic!("{framework}, {}: not Python: {e}\n{script}", r.name)
                });
                parsed += 1;
            }
        }
    }
    println!("{parsed} scripts with a remedy parsed by Python's ast");
}

/// The remedies' code stays out of the way of the rest: the inputs scaled after the data and
/// before the model, the warmup's schedule made before the optimizer that takes it, clipping
/// between the backward pass and the step, ReDo after the step.
#[test]
fn remedies_come_in_the_scripts_order() {
    let every = &script_cases()[script_cases().len() - 2];
    let torch = reproduce::pytorch(every, None);
    let keras = reproduce::keras(every, None);
    let order = |script: &str, marks: &[&str]| {
        let at: Vec<usize> = marks
            .iter()
            .map(|m| {
                script
                    .find(m)
                    .unwrap_or_else(|| panic!("lacks `{m}`\n{script}"))
            })
            .collect();
        assert!(at.windows(2).all(|w| w[0] < w[1]), "{marks:?} at {at:?}");
    };
    order(
        &torch,
        &[
            "x_train, y_train, x_val, y_val = ",
            "scale = np.where(scale > 0, scale, 1.0)",
            "layers = []",
            "optimizer = torch.optim.AdamW(",
            "warmup = torch.optim.lr_scheduler.LambdaLR(",
            "def recycle(outputs):",
            "        loss.backward()\n        nn.utils.clip_grad_norm_(",
            "        optimizer.step()\n        warmup.step()",
            "        steps += 1\n",
        ],
    );
    order(
        &keras,
        &[
            "x_train, y_train, x_val, y_val = ",
            "scale = np.where(scale > 0, scale, 1.0)",
            "class Warmup(",
            "optimizer = keras.optimizers.AdamW(learning_rate=Warmup(), weight_decay=WEIGHT_DECAY, global_clipnorm=CLIP_NORM, ",
            "model.compile(",
            "def recycle(outputs):",
            "class Recycler(",
            "    record.append(Recycler(xs))",
        ],
    );
}

/// The block of a ReDo script that selects the units to recycle (numpy), with the
/// definitions' block it calls (`dormant_scores`), as Python code to run.
fn redo_selection_of(script: &str) -> String {
    let start = script
        .find("# ---- ReDo's selection, in numpy ----")
        .expect("ReDo's selection");
    let end = start
        + script[start..]
            .find("# ---- end of ReDo's selection ----")
            .expect("the selection's end");
    format!("{}\n{}", definitions_of(script), &script[start..end])
}

/// Hidden layers' outputs on a batch, for ReDo's selection: the hand-made ReLU layers, and
/// outputs of both signs (a leaky or normalized layer) with a small unit and a silent one.
fn redo_batches() -> Vec<Vec<Vec<f32>>> {
    let mut batches: Vec<Vec<Vec<f32>>> =
        hand_made_layers().into_iter().map(|l| l.outputs).collect();
    batches.push(
        (0..16)
            .map(|k| {
                let s = if k % 2 == 0 { 1.0 } else { -1.0 };
                vec![
                    s * 0.8,
                    -0.01 * s,
                    0.0,
                    0.3 + k as f32 / 20.0,
                    s * 0.002 * k as f32,
                ]
            })
            .collect(),
    );
    batches
}

/// ReDo's selection in the scripts is the page's: on hand-made outputs, `redo_select` marks
/// the units whose `sim::dead::dormant_scores` are at most τ (where python3 has numpy).
#[test]
fn scripts_redo_selection_gives_the_pages_dormant_units() {
    match python_output("import numpy", "") {
        None => return,
        Some(Err(_)) => {
            println!("python3 has no numpy: the scripts' ReDo selection was not run");
            return;
        }
        Some(Ok(_)) => {}
    }
    let taus = [0.0, 0.025, 0.05, 0.2];
    let batches = redo_batches();
    let want: Vec<Vec<Vec<bool>>> = batches
        .iter()
        .map(|b| {
            let n = b.len() as f64;
            let mean_abs: Vec<f64> = (0..b[0].len())
                .map(|j| b.iter().map(|r| (r[j] as f64).abs()).sum::<f64>() / n)
                .collect();
            let scores = dead::dormant_scores(&mean_abs);
            taus.iter()
                .map(|&t| scores.iter().map(|&s| s <= t).collect())
                .collect()
        })
        .collect();
    let flat: Vec<bool> = want.iter().flatten().flatten().copied().collect();
    assert!(
        flat.contains(&true) && flat.contains(&false),
        "the cases tell units apart"
    );
    let keep = Settings {
        preset: None,
        redo: RedoMode::Keep,
        batch_norm: true,
        ..Settings::default()
    };
    let scripts: Vec<String> = [Preset::Redo.apply(&Settings::default()), keep]
        .iter()
        .flat_map(|s| [reproduce::pytorch(s, None), reproduce::keras(s, None)])
        .map(|script| redo_selection_of(&script))
        .collect();
    let job = serde_json::json!({"scripts": scripts, "batches": batches, "taus": taus});
    let out = python_output(RUN_REDO_SELECT, &job.to_string())
        .unwrap()
        .unwrap_or_else(|e| panic!("the scripts' ReDo selection did not run: {e}"));
    let got: Vec<Vec<Vec<Vec<bool>>>> = serde_json::from_str(&out).unwrap();
    assert_eq!(got.len(), scripts.len());
    for (k, g) in got.iter().enumerate() {
        assert_eq!(g, &want, "script {k}: ReDo's selection against the page's");
    }
    println!(
        "{} scripts' ReDo selection on {} batches at {} τ: the page's units",
        got.len(),
        batches.len(),
        taus.len()
    );
}

/// Runs each script's ReDo selection on each batch at each τ.
const RUN_REDO_SELECT: &str = r#"
import json, sys
import numpy as np
job = json.loads(sys.stdin.read())
out = []
for code in job["scripts"]:
    env = {"np": np}
    exec(code, env)
    out.append([[[bool(v) for v in env["redo_select"](np.array(b, dtype=np.float32), tau)]
                 for tau in job["taus"]] for b in job["batches"]])
print(json.dumps(out))
"#;
