using k8s;
using k8s.Models;

namespace Motive.Batch;

/// <summary>
/// A Kubernetes Indexed Job running a manifest: completion index I of N runs shard I/N (Kubernetes gives it in
/// JOB_COMPLETION_INDEX), each index retried on its own (backoffLimitPerIndex); results go to a shared volume claim
/// mounted at the output folder. Built from the KubernetesClient model types and serialised by its YAML writer.
/// </summary>
public sealed record KubernetesJob(string Manifest, string OutDir, int Shards, string Image, string Name = "motive-batch",
    int? Parallelism = null, int BackoffLimitPerIndex = 2, string? Claim = null, int? GpusPerPod = null, string Device = "cpu")
{
    public V1Job Build()
    {
        if (Shards is < 1 or > 100_000) throw new ArgumentException($"the number of shards must be 1..100000, not {Shards}");
        if (string.IsNullOrWhiteSpace(Image)) throw new ArgumentException("say which container image has motive (--image)");
        if (Parallelism is < 1) throw new ArgumentException("parallelism must be at least 1");
        var container = new V1Container
        {
            Name = "motive",
            Image = Image,
            Command = ["motive"],
            Args = ["batch", "run", Manifest, "--out", OutDir, "--shards", Shards.ToString(), "--device", Device],
        };
        if (GpusPerPod is > 0 and var g)
            container.Resources = new V1ResourceRequirements { Limits = new Dictionary<string, ResourceQuantity> { ["nvidia.com/gpu"] = new(g.ToString()) } };
        var pod = new V1PodSpec { RestartPolicy = "Never", Containers = [container] };
        if (Claim is { } claim)
        {
            container.VolumeMounts = [new V1VolumeMount { Name = "data", MountPath = OutDir }];
            pod.Volumes = [new V1Volume { Name = "data", PersistentVolumeClaim = new V1PersistentVolumeClaimVolumeSource { ClaimName = claim } }];
        }
        return new V1Job
        {
            ApiVersion = "batch/v1",
            Kind = "Job",
            Metadata = new V1ObjectMeta { Name = Name, Labels = new Dictionary<string, string> { ["app.kubernetes.io/name"] = "motive-batch" } },
            Spec = new V1JobSpec
            {
                CompletionMode = "Indexed",
                Completions = Shards,
                Parallelism = Parallelism ?? Shards,
                BackoffLimitPerIndex = BackoffLimitPerIndex,
                Template = new V1PodTemplateSpec { Spec = pod },
            },
        };
    }

    public string Yaml() => KubernetesYaml.Serialize(Build());
}
