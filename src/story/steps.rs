//! The steps' content, in the order of the seeds' argument: what ReLU is, the gradient gate,
//! the unit R and its one large step, dead for good, the causes, the cures, seed 002's
//! experiment, the trade-off with vanishing gradients, and where on the map of learning rate
//! and bias the units die.

use super::{Action, Claim, Step, Try};
use crate::panels::PanelId;

/// The network steps use 20,000 samples and 3 epochs instead of the seed's 200,000 and 25, so
/// each run takes seconds; `tests/story.rs` checks that the smaller runs end as the seed's do.
pub const STEPS: [Step; 18] = [
    Step {
        title: "ReLU, and why it is popular",
        words: "ReLU passes a positive input through unchanged and turns a negative one into 0. \
                It is cheap to compute, and on its positive side its slope is exactly 1, so \
                gradients pass back at full size: that is why it became the default. On its \
                negative side, shaded orange, the slope is exactly 0.",
        seed_differs: None,
        set: &[(PanelId::Activation, "f=relu")],
        try_this: Try {
            text: "Pick Sigmoid in the Function menu and compare its slope.",
            panel: PanelId::Activation,
            action: Action::Choose("f", "sigmoid"),
        },
        question: "Why is a slope of exactly 0 worse than a small one?",
        answer: "Backpropagation multiplies the gradient by the slope. A small slope shrinks \
                 the gradient; a slope of 0 erases it, so nothing before the unit learns \
                 from that example.",
        before: Claim::ActivationSays("f′ = 0, so no gradient flows back"),
        after: Claim::ActivationSays("never exactly 0"),
    },
    Step {
        title: "The gradient gate",
        words: "Meet R, the unit from the story: a = w1·x1 + w2·x2 + b, then y = ReLU(a). \
                Its inputs put a in a narrow bell centred at +0.1, so the gate is open for \
                almost every input. Gradients flow back through it to w1, w2 and b.",
        seed_differs: None,
        set: &[(PanelId::Neuron, "f=relu&lr=0.01&b=0")],
        try_this: Try {
            text: "Press Step a few times and watch w1, w2 and b move on the timelines.",
            panel: PanelId::Neuron,
            action: Action::Press("Step"),
        },
        question: "What would the gate do to a gradient if a were negative?",
        answer: "ReLU's slope there is 0, so the gate would multiply the gradient by 0: \
                 w1, w2 and b would get nothing from that input.",
        before: Claim::NeuronAlive,
        after: Claim::NeuronMoved,
    },
    Step {
        title: "One large gradient step",
        words: "Now one example with a wildly wrong label sends a large gradient back. R's \
                gate is open, so R passes it on in full, and one SGD step moves w1, w2 and b \
                a long way. The bell jumps from +0.1 to −0.1: a small move, but it crosses 0.",
        seed_differs: None,
        set: &[(PanelId::Neuron, "f=relu&lr=0.01&b=0")],
        try_this: Try {
            text: "Press Large gradient step.",
            panel: PanelId::Neuron,
            action: Action::Press("Large gradient step"),
        },
        question: "Why did such a small shift matter so much?",
        answer: "ReLU's gate is either open or shut: below 0 every input gets slope 0. \
                 Moving the bell by 0.2 carried all of it across that edge.",
        before: Claim::NeuronAlive,
        after: Claim::NeuronDead,
    },
    Step {
        title: "R's line leaves its data",
        words: "The same step, seen from R's inputs. Each input is a point (x1, x2), and R's \
                gate is a line: w1·x1 + w2·x2 + b = 0, open on its shaded side. Before the \
                step the whole cloud of inputs lies on the open side. The large step moves w1, \
                w2 and b together, which carries the line across the cloud to its far side: \
                every input is then on the shut side, and nothing is left to move it back.",
        seed_differs: None,
        set: &[(PanelId::Neuron, "f=relu&lr=0.01&b=0")],
        try_this: Try {
            text: "Press Large gradient step and watch the line in the plane jump past the cloud.",
            panel: PanelId::Neuron,
            action: Action::Press("Large gradient step"),
        },
        question: "When is a unit of a network's first layer dead, in this picture?",
        answer: "When all of its training inputs lie on the shut side of its line: then no \
                 input opens the gate, and no gradient reaches its weights. Set Clip gradient \
                 norm at 1 and press the step again: the line moves a little and the cloud \
                 stays open.",
        before: Claim::NeuronAlive,
        after: Claim::NeuronDead,
    },
    Step {
        title: "Dead for good",
        words: "Here R starts where the large step left it: b = −0.2 puts its bell at −0.1. \
                Every input shuts the gate, so the gradient to w1, w2 and b is exactly 0. SGD \
                moves a parameter by learning rate × gradient, so it moves nothing, however \
                long it trains.",
        seed_differs: None,
        set: &[(PanelId::Neuron, "f=relu&lr=0.01&b=-0.2")],
        try_this: Try {
            text: "Press Train, watch for a few seconds, then press Pause.",
            panel: PanelId::Neuron,
            action: Action::Press("Train"),
        },
        question: "Why does Train not move w1 now?",
        answer: "w1 changes by learning rate × gradient, and its gradient is the error × \
                 f′(a) × x1. With f′(a) = 0 for every input that product is 0, step after step.",
        before: Claim::NeuronDead,
        after: Claim::NeuronFrozen,
    },
    Step {
        title: "Cause: a large negative bias",
        words: "The seeds name two causes. The first is a large negative bias: b is added to \
                every input's a, so a negative b slides the whole bell to the left. Once all of \
                it is below 0, R is dead without any accident.",
        seed_differs: None,
        set: &[(PanelId::Neuron, "f=relu&lr=0.01&b=0")],
        try_this: Try {
            text: "Drag Bias b down to −0.3.",
            panel: PanelId::Neuron,
            action: Action::Slide("b", -0.3),
        },
        question: "Why does the bias move every input at once?",
        answer: "a = w1·x1 + w2·x2 + b, and b is the same for every example, so changing it \
                 shifts every a by the same amount.",
        before: Claim::NeuronAlive,
        after: Claim::NeuronDead,
    },
    Step {
        title: "Cause and cure: the learning rate",
        words: "The second cause is a high learning rate: an SGD step is learning rate × \
                gradient, so the same large gradient moves R ten times less at a learning rate \
                ten times smaller. Here it is 0.001 instead of 0.01.",
        seed_differs: None,
        set: &[(PanelId::Neuron, "f=relu&lr=0.001&b=0")],
        try_this: Try {
            text: "Press Large gradient step, as before.",
            panel: PanelId::Neuron,
            action: Action::Press("Large gradient step"),
        },
        question: "Where does the bell end up this time?",
        answer: "The step that moved it by 0.2 at 0.01 moves it by 0.02 at 0.001: from +0.1 \
                 to +0.08, still on the open side.",
        before: Claim::NeuronAlive,
        after: Claim::NeuronAlive,
    },
    Step {
        title: "Cure: a positive starting bias",
        words: "A positive starting bias puts the bell further right, so the same accident \
                leaves it on the open side. Here b starts at 0.3, so a is centred at +0.4, \
                and the learning rate is back at 0.01.",
        seed_differs: None,
        set: &[(PanelId::Neuron, "f=relu&lr=0.01&b=0.3")],
        try_this: Try {
            text: "Press Large gradient step.",
            panel: PanelId::Neuron,
            action: Action::Press("Large gradient step"),
        },
        question: "Does a positive bias make R safe for good?",
        answer: "No, it only buys a margin. Press Large gradient step once more: the bell \
                 moves another 0.2 left, to about 0, and the gate shuts for about half the \
                 inputs.",
        before: Claim::NeuronAlive,
        after: Claim::NeuronAlive,
    },
    Step {
        title: "Cure: Leaky ReLU",
        words: "Leaky ReLU keeps a small slope α below 0, here 0.1. R starts with its bell at \
                −0.1, where ReLU was dead, but a tenth of each gradient still leaks through \
                the gate, so SGD can pull the bell back across 0. ELU and SELU also keep a \
                slope below 0.",
        seed_differs: None,
        set: &[(PanelId::Neuron, "f=leaky_relu&alpha=0.1&lr=0.01&b=-0.2")],
        try_this: Try {
            text: "Press Train and watch the bell climb back; press Pause when it is open.",
            panel: PanelId::Neuron,
            action: Action::Press("Train"),
        },
        question: "Why can Leaky ReLU recover when ReLU cannot?",
        answer: "Its slope below 0 is α = 0.1, not 0, so each gradient reaches w1, w2 and b \
                 at a tenth of its size: small, but enough to move them.",
        before: Claim::NeuronLeaking,
        after: Claim::NeuronRecovered,
    },
    Step {
        title: "Seed 002's experiment",
        words: "A small network learns a target that is always negative: the sum of four \
                inputs drawn from (−1, 0). A ReLU output can never be negative, so the best it \
                can do is output 0, and it dies: the loss sits on the dead line, 4.33, with \
                every gradient 0. The seed found that more data, more layers, more epochs and \
                other initialisers do not help; Compare presets reruns those here.",
        seed_differs: None,
        set: &[(PanelId::Network, "preset=relu3&n=20000&epochs=3")],
        try_this: Try {
            text: "Press Train and watch the loss fall onto the dead line.",
            panel: PanelId::Network,
            action: Action::Press("Train"),
        },
        question: "Why would more epochs not help?",
        answer: "Once the output unit is dead every gradient in the network is exactly 0, so \
                 each further epoch changes no weight at all.",
        before: Claim::NetworkReady,
        after: Claim::NetworkDead,
    },
    Step {
        title: "What counts as dead",
        words: "Papers and libraries count dead units in different ways. This page's exact test \
                asks for no gradient on any sample; keras-contrib asks whether a unit never \
                fired on the training batches; Sokar et al. call a unit τ-dormant when its mean \
                output is at most τ of its layer's mean, though it may still fire; fastai and \
                TensorBoard report the share of outputs near zero or exactly 0, which in a \
                healthy ReLU layer is about half: sparsity, not death.",
        seed_differs: None,
        set: &[(PanelId::Network, "preset=relu3&n=20000&epochs=3")],
        try_this: Try {
            text: "Press Train, then pick another definition in “Count as dead”: the same run, another count.",
            panel: PanelId::Network,
            action: Action::Press("Train"),
        },
        question: "Why can a paper report many more dead units than this page on the same net?",
        answer: "It counts by another definition: τ-dormant also counts units that still fire \
                 but far less than their neighbours, and a share of zeros counts the ordinary \
                 sparsity of a working ReLU layer. The framed cells of the map are dead for \
                 every input, not only for these samples.",
        before: Claim::NetworkReady,
        after: Claim::NetworkDefinitionsDisagree,
    },
    Step {
        title: "SELU with lecun_normal",
        words: "The seed's fix is SELU with the lecun_normal initialiser it was made for. \
                Below 0 its slope is never 0 and its output goes down to about −1.76, so the \
                error keeps flowing back. Same data, same seed.",
        seed_differs: None,
        set: &[(PanelId::Network, "preset=selu&n=20000&epochs=3")],
        try_this: Try {
            text: "Press Train and compare the loss with the last step's.",
            panel: PanelId::Network,
            action: Action::Press("Train"),
        },
        question: "Why is SELU's loss not 0 either?",
        answer: "The output unit is a SELU too, and it cannot go below about −1.76, while \
                 some targets are near −4; it still learns most of the way.",
        before: Claim::NetworkReady,
        after: Claim::NetworkLearns(1.0),
    },
    Step {
        title: "Vanishing is not dead",
        words: "Here every layer is tanh. Its slope shrinks far from 0 but is never 0, so the \
                network keeps learning, down to where its output, which cannot go below −1, \
                stops it. A vanishing gradient slows learning; a dead unit ends it. The seeds \
                end on this trade-off: something is better than nothing.",
        seed_differs: Some(
            "Seed 002 says that on this data tanh, sigmoid and Leaky ReLU all fail too. Our \
             runs (4-8-8-8-1, 20,000 samples, 3 epochs) part from it: Leaky ReLU learns \
             (loss about 0.03), tanh falls from 7.8 to about 1.35 and stops at its floor of \
             −1, and only sigmoid stays near the dead line, because its output cannot be \
             negative; even then its gradients never become exactly 0. On the single unit R \
             all three keep learning from the spot where ReLU died.",
        ),
        set: &[(PanelId::Network, "act=tanh&n=20000&epochs=3")],
        try_this: Try {
            text: "Press Train; then pick sigmoid, then Leaky ReLU, and train each.",
            panel: PanelId::Network,
            action: Action::Press("Train"),
        },
        question: "Which is worse for learning, a tiny gradient or a zero one?",
        answer: "A zero one. A tiny gradient still moves the weights a little at every step, \
                 and the steps add up; a zero gradient moves nothing, ever.",
        before: Claim::NetworkReady,
        after: Claim::NetworkLearns(2.0),
    },
    Step {
        title: "Bringing units back",
        words: "Give the network a linear output, so the output unit can no longer die, and \
                raise the learning rate to 0.3: now the hidden units die instead. Without help, \
                23 of the 24 die within three epochs, and the network can only output a \
                constant (loss 0.34, the target's variance). ReDo (Sokar et al., 2023) looks \
                for dormant units every 100 steps and gives each fresh incoming weights and zero \
                outgoing weights, so the output does not jump. Gradient descent cannot revive a \
                dead ReLU; a reset can.",
        seed_differs: None,
        set: &[(
            PanelId::Network,
            "out=linear&lr=0.3&redo=reset&n=20000&epochs=3",
        )],
        try_this: Try {
            text: "Press Train, then read the status: how many units ReDo recycled, and how many \
                   are dead again.",
            panel: PanelId::Network,
            action: Action::Press("Train"),
        },
        question: "At this rate many recycled units die again. Why is the loss still lower?",
        answer: "Each recycled unit fires and learns for a while before the next large step \
                 shuts it again, and while it lives the network is more than a constant: the \
                 loss ends near 0.12 instead of 0.34. A smaller rate, warmup or batch \
                 normalization keep the units alive in the first place.",
        before: Claim::NetworkReady,
        after: Claim::NetworkRecycles(0.2),
    },
    Step {
        title: "Warmup and normalization",
        words: "Two habits of today's training also help. Warmup raises the learning rate from \
                0 to its target over the first steps, here 1,000, so the large gradients of the \
                first steps, which kill units, meet a small rate. Batch normalization \
                re-centres each layer's pre-activations on every batch, so a unit's gate cannot \
                stay shut for the whole batch unless its learned shift β pushes it there. Same \
                net, same rate of 0.3, no ReDo.",
        seed_differs: None,
        set: &[(PanelId::Network, "out=linear&lr=0.3&warmup=1000&n=20000&epochs=3")],
        try_this: Try {
            text: "Press Train; then set Warmup to 0, pick “Before each activation” in Batch \
                   normalization, and train again.",
            panel: PanelId::Network,
            action: Action::Press("Train"),
        },
        question: "Does warmup change the learning rate the network ends with?",
        answer: "No: after 1,000 steps it trains at 0.3 as before. It changes where the \
                 weights are when the rate gets large; here 11 of the 24 hidden units are \
                 still alive then, against 1 without warmup, and the loss falls to about \
                 0.0005.",
        before: Claim::NetworkReady,
        after: Claim::NetworkLearns(0.01),
    },
    Step {
        title: "What dead units cost",
        words: "Seed 002's target is always negative, so its ReLU output must die: a special \
                case. Where dying ReLU costs something today is elsewhere: hidden units die at \
                a high learning rate in a network whose output is fine, and the network quietly \
                loses capacity. Here is TensorFlow Playground's spiral, two classes, a sigmoid \
                output trained on cross-entropy, at learning rate 0.05. The atlas under the \
                plane shows each hidden unit over the plane; a dead one is hatched.",
        seed_differs: None,
        set: &[(PanelId::Network, "preset=spiral_high")],
        try_this: Try {
            text: "Press Train and watch the atlas: count the hatched tiles, then read the \
                   accuracy in the status.",
            panel: PanelId::Network,
            action: Action::Press("Train"),
        },
        question: "At learning rate 0.01 (the preset “spiral, lr 0.01”) the same network \
                   reaches 100 %. What did the dead units take away?",
        answer: "Each first-layer unit is a line across the plane, and the spiral needs many \
                 lines, bent by the layers above, to wind between its arms. At 0.05 the large \
                 steps push 20 of the 24 hidden units past their data for good, and the few \
                 left can draw little more than a straight border: accuracy falls to about \
                 44 %. Compare learning rates trains the ladder from 0.001 to 0.1 and says it \
                 in one sentence.",
        before: Claim::NetworkReady,
        after: Claim::NetworkCostly(0.8),
    },
    Step {
        title: "Where is the border?",
        words: "Each cell of this map trains seed 002's network for three epochs with one \
                learning rate (across) and one starting bias (up), then counts its dead hidden \
                units: blue cells stay alive, orange cells end mostly dead, and the line is the \
                50 % border. Below bias 0 most units are dead before training starts: the \
                negative bias has shut their gates. Along bias 0 the small learning rates keep \
                most units alive, and the rates from 0.1 up leave most of them dead.",
        seed_differs: None,
        set: &[(PanelId::Dying, "res=9&trials=100")],
        try_this: Try {
            text: "Pick Leaky ReLU in the Activation menu and let the map compute again.",
            panel: PanelId::Dying,
            action: Action::Choose("act", "leaky_relu"),
        },
        question: "Does a positive starting bias protect the units from any learning rate?",
        answer: "Not fully: it moves the border to larger rates. At bias +1 no rate on this \
                 map leaves more than half of the hidden units dead, but at a learning rate \
                 of 1 half of them still end dead: point at the top-right cell to read it.",
        before: Claim::MapBorder,
        after: Claim::MapAlive,
    },
    Step {
        title: "Is your own model dying?",
        words: "Everything so far ran in this page. The probes in probes/ measure your own \
                network: run torch_probe.py or keras_probe.py on a few batches and drop the \
                report it writes into “Your model”. Here is a real one, a small PyTorch MLP \
                trained with Adam at 0.3 and probed every 6 steps: at step 0 every unit fires, \
                by step 72 five of fc2's eight never do. Dying while training points at the \
                learning rate, and the diagnosis links to the panels that show the cures.",
        seed_differs: None,
        set: &[(PanelId::Model, "ex=torch_high_lr&dead=exact")],
        try_this: Try {
            text: "Pick τ-dormant in the Count as dead menu and read the summary again.",
            panel: PanelId::Model,
            action: Action::Choose("dead", "dormant"),
        },
        question: "τ-dormant finds a unit in fc1 that the exact count calls alive. Which is right?",
        answer: "Both, by their own definition: fc1's unit 6 fires on 2 of the 500 samples, so \
                 it is not exactly dead, but its mean output is a quarter of a percent of its \
                 layer's mean, under τ = 0.025. It passes a gradient, and does almost nothing.",
        before: Claim::ModelSays("5 of 16 units exactly dead"),
        after: Claim::ModelSays("6 of 16 units τ-dormant"),
    },
];
