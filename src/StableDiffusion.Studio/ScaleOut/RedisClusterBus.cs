using System.Text.Json;
using StableDiffusion.Studio.Generation;
using StackExchange.Redis;

namespace StableDiffusion.Studio.ScaleOut;

/// <summary>
/// Redis pub/sub between nodes. Progress published in this process goes out and progress from other nodes comes in
/// to the local <see cref="JobProgressFeed"/>, so pages and the hub on a web node show jobs that a worker elsewhere
/// runs. Every send is fire-and-forget: a worker never waits on Redis, and a message sent while it is down is lost
/// (pages rebuild from the database on <see cref="Reconnected"/>).
/// </summary>
public sealed partial class RedisClusterBus : IClusterBus, IDisposable
{
    private static readonly RedisChannel WakeChannel = RedisChannel.Literal("studio:wake");
    private static readonly RedisChannel CancelChannel = RedisChannel.Literal("studio:cancel");
    private static readonly RedisChannel ProgressChannel = RedisChannel.Literal("studio:progress");
    private static readonly RedisChannel QueueChannel = RedisChannel.Literal("studio:queue");

    private readonly IConnectionMultiplexer redis;
    private readonly JobProgressFeed feed;
    private readonly ILogger<RedisClusterBus> logger;
    private readonly string node = Guid.NewGuid().ToString("N");

    public RedisClusterBus(IConnectionMultiplexer redis, JobProgressFeed feed, ILogger<RedisClusterBus> logger)
    {
        this.redis = redis;
        this.feed = feed;
        this.logger = logger;
        feed.PublishedHere += Forward;
        feed.QueueChangedHere += ForwardQueueChanged;
        redis.ConnectionRestored += OnRestored;
        redis.ConnectionFailed += OnFailed;
    }

    public bool? IsConnected => redis.IsConnected;

    public event Action? WakeReceived;

    public event Action<Guid>? CancelReceived;

    public event Action? Reconnected;

    /// <summary>Subscribes to the channels; StackExchange.Redis subscribes again by itself after a reconnect.</summary>
    public async Task SubscribeAsync()
    {
        var subscriber = redis.GetSubscriber();
        await subscriber.SubscribeAsync(WakeChannel, (_, _) => WakeReceived?.Invoke());
        await subscriber.SubscribeAsync(CancelChannel, (_, message) =>
        {
            if (Guid.TryParse(message.ToString(), out var jobId))
            {
                CancelReceived?.Invoke(jobId);
            }
        });
        await subscriber.SubscribeAsync(ProgressChannel, (_, message) => Receive(message));
        await subscriber.SubscribeAsync(QueueChannel, (_, message) =>
        {
            if (message != node)
            {
                feed.DeliverQueueChanged();
            }
        });
    }

    public void Wake() => Send(WakeChannel, node);

    public void Cancel(Guid jobId) => Send(CancelChannel, jobId.ToString());

    public void Dispose()
    {
        feed.PublishedHere -= Forward;
        feed.QueueChangedHere -= ForwardQueueChanged;
        redis.ConnectionRestored -= OnRestored;
        redis.ConnectionFailed -= OnFailed;
    }

    private void Forward(JobUpdate update) => Send(ProgressChannel, JsonSerializer.SerializeToUtf8Bytes(ProgressMessage.From(node, update)));

    private void ForwardQueueChanged() => Send(QueueChannel, node);

    private void Receive(RedisValue message)
    {
        try
        {
            var progress = JsonSerializer.Deserialize<ProgressMessage>((byte[])message!);
            if (progress is not null && progress.Node != node)
            {
                feed.Deliver(progress.ToUpdate());
            }
        }
        catch (JsonException ex)
        {
            LogBadMessage(ex);
        }
    }

    private void Send(RedisChannel channel, RedisValue message)
    {
        try
        {
            redis.GetSubscriber().Publish(channel, message, CommandFlags.FireAndForget);
        }
        catch (RedisException ex)
        {
            // Down or reconnecting: best-effort by design, the database has the state.
            LogSendFailed(ex.Message);
        }
    }

    private void OnFailed(object? sender, ConnectionFailedEventArgs e) => LogLost(e.FailureType.ToString());

    private void OnRestored(object? sender, ConnectionFailedEventArgs e)
    {
        LogRestored();
        Reconnected?.Invoke();
    }

    [LoggerMessage(EventId = 700, Level = LogLevel.Warning, Message = "Redis connection lost ({FailureType}); progress between nodes pauses, jobs go on")]
    private partial void LogLost(string failureType);

    [LoggerMessage(EventId = 701, Level = LogLevel.Information, Message = "Redis connection restored; pages catch up from the database")]
    private partial void LogRestored();

    [LoggerMessage(EventId = 702, Level = LogLevel.Debug, Message = "A message to Redis was dropped: {Reason}")]
    private partial void LogSendFailed(string reason);

    [LoggerMessage(EventId = 703, Level = LogLevel.Warning, Message = "A progress message from Redis could not be read")]
    private partial void LogBadMessage(Exception exception);
}
