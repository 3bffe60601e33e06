namespace Glm4vSK.LocalEngine.Hub;

/// <summary>Why a Hugging Face download failed; each kind has its own fix, which the exception's message names.</summary>
public enum HubErrorKind
{
    /// <summary>HTTP 401/403: the repository is gated or private and no token (or one without access) was sent.</summary>
    Unauthorized,
    /// <summary>HTTP 404 (or the hub's RepoNotFound): no such repository, or a private one the token cannot see.</summary>
    RepositoryNotFound,
    /// <summary>The branch, tag or commit does not exist in the repository.</summary>
    RevisionNotFound,
    /// <summary>A file the repository lists (or its weight index names) cannot be fetched.</summary>
    FileNotFound,
    /// <summary>A downloaded file's sha256 (or git sha1) or size differs from what the hub announced.</summary>
    ChecksumMismatch,
    /// <summary>The cache's disk ran out of space.</summary>
    DiskFull,
    /// <summary>Offline mode (HF_HUB_OFFLINE) and the model is not in the cache.</summary>
    Offline,
    /// <summary>The endpoint could not be reached, or a transfer failed more often than the retries allow.</summary>
    Network,
    /// <summary>The endpoint answered outside the hub protocol (no commit or ETag header, an unsafe file name).</summary>
    InvalidResponse,
}
