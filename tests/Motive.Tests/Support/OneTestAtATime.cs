// Test classes run one after another, not side by side. Motive's loops keep TorchSharp's implicit Scalars alive by
// collecting only between their own steps (Motive.Models.Runtime.QuietGc), which holds while one loop runs per
// process, as in the CLI. Two training or sampling tests running side by side collect inside each other's steps
// and fail at random with "Expected false to be true ... toDouble" (a Scalar freed while libtorch read it). Tests
// that count process-wide things (live tensors) also need to run alone.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
