using Glm4vSK.Connector;
using Glm4vSK.LocalEngine;
using Glm4vSK.LocalEngine.Processing;
using Glm4vSK.LocalEngine.Telemetry;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

// glm4v-di: a generic host that registers the local GLM-4V chat client from configuration and asks it one question.
//   dotnet run --project samples/DependencyInjection -- --Glm4v:ModelPath=/models/GLM-4.6V-Flash [--Glm4v:Device=cuda]
//       [--Glm4v:DType=bfloat16] [--Question="..."] [--Image=photo.jpg]
//       [--Telemetry=console]
// Every Glm4v:* key of appsettings.json can be set the same way, or through environment variables (Glm4v__ModelPath).
// --Telemetry=console prints OpenTelemetry's spans and metrics when the host stops: the chat client's (UseOpenTelemetry)
// and the engine's (load, prepare, prefill, vision, decode; time to first token, tokens/s, cache hits, ...).
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
try
{
    builder.Services.AddGlm4vChatClient(builder.Configuration.GetSection(Glm4vClientSettings.DefaultConfigSectionName))
        .UseFunctionInvocation()  // the model may call get_local_time; the middleware runs it and sends back the result
        .UseOpenTelemetry()       // a GenAI span and metrics per call; the engine's spans nest under it
        .UseLogging();
}
catch (InvalidOperationException e) // the settings are checked here: a missing ModelPath names its configuration key
{
    Console.Error.WriteLine(e.Message);
    return 2;
}
if (builder.Configuration["Telemetry"] == "console")
{
    const string chatClientSource = "Experimental.Microsoft.Extensions.AI"; // UseOpenTelemetry's default source and meter
    builder.Services.AddOpenTelemetry()
        .WithTracing(t => t.AddSource(chatClientSource, EngineTelemetryNames.SourceName).AddConsoleExporter())
        .WithMetrics(m => m.AddMeter(chatClientSource, EngineTelemetryNames.MeterName).AddConsoleExporter());
}

using var host = builder.Build();
await host.StartAsync(); // starts OpenTelemetry's providers (they flush when the host is disposed)
var client = host.Services.GetRequiredService<IChatClient>();
try
{
    var engine = client.GetService<Glm4vEngine>()!; // loads the model (it would load on the first request anyway)
    if (!engine.HasProcessor)
    {
        Console.Error.WriteLine($"error: '{engine.ModelDirectory}' has no tokenizer.json; point Glm4v:ModelPath at a complete checkpoint.");
        return 1;
    }

    string question = builder.Configuration["Question"] ?? "Describe yourself in one sentence.";
    var message = new ChatMessage(ChatRole.User, question);
    if (builder.Configuration["Image"] is { Length: > 0 } image)
    {
        string type = Path.GetExtension(image).ToLowerInvariant() is ".jpg" or ".jpeg" ? "image/jpeg" : "image/png"; // the decoder sniffs the bytes anyway
        message.Contents.Insert(0, new DataContent(File.ReadAllBytes(image), type));
    }

    var options = new ChatOptions();
    if (engine.Processor.Template.Family == ChatTemplateFamily.Glm45v) // GLM-4.1V's template has no tools
        options.Tools = [AIFunctionFactory.Create(() => DateTime.Now.ToString("yyyy-MM-dd HH:mm, dddd"), "get_local_time", "The local date and time.")];

    Console.WriteLine($"> {question}");
    await foreach (var update in client.GetStreamingResponseAsync([message], options))
    {
        foreach (var content in update.Contents)
        {
            switch (content)
            {
                case TextReasoningContent r: Console.Write(r.Text); break;          // the <think> part
                case TextContent t: Console.Write(t.Text); break;                    // the answer
                case FunctionCallContent call: Console.Error.WriteLine($"\n[tool call] {call.Name}"); break;
                case UsageContent u: Console.Error.WriteLine($"\n[{u.Details.InputTokenCount} prompt + {u.Details.OutputTokenCount} output tokens]"); break;
            }
        }
    }
    Console.WriteLine();
    return 0;
}
catch (Exception e) when (e is Glm4vException or IOException or NotSupportedException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}
