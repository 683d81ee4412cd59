# Stable Diffusion Studio: build with the .NET 10 SDK, run on CUDA 13 + cuDNN 9 (what ONNX Runtime GPU 1.31 loads).
#   docker build -t sd-studio .
#   docker run --gpus all -p 5000:5000 -v sd-data:/data -v sd-models:/app/models sd-studio
# Without --gpus the studio still runs, on the CPU (the UI and /healthz say so).

FROM ubuntu:24.04 AS build
ENV DEBIAN_FRONTEND=noninteractive DOTNET_CLI_TELEMETRY_OPTOUT=1
RUN apt-get update \
 && apt-get install -y --no-install-recommends software-properties-common ca-certificates \
 && add-apt-repository -y ppa:dotnet/backports \
 && apt-get install -y --no-install-recommends dotnet-sdk-10.0 \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props StableDiffusion.Studio.sln ./
COPY src/ src/
COPY migrations/ migrations/
COPY migrations-postgres/ migrations-postgres/
RUN dotnet restore src/StableDiffusion.Studio/StableDiffusion.Studio.csproj
COPY wwwroot/ wwwroot/
COPY appsettings.json ./
# Self-contained: the runtime image needs the CUDA libraries, not a .NET install.
RUN dotnet publish src/StableDiffusion.Studio/StableDiffusion.Studio.csproj -c Release \
      --self-contained true -o /app

FROM nvidia/cuda:13.0.1-cudnn-runtime-ubuntu24.04 AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends libicu74 curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --create-home --uid 10001 studio \
 && mkdir -p /data && chown studio /data
WORKDIR /app
COPY --from=build /app ./
COPY models/ ./models/
USER studio
ENV ASPNETCORE_URLS=http://0.0.0.0:5000 \
    Studio__DataDirectory=/data \
    Inference__ModelsDirectory=/app/models \
    Inference__ExecutionProvider=auto
EXPOSE 5000
VOLUME ["/data", "/app/models"]
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD curl -fsS http://127.0.0.1:5000/healthz || exit 1
ENTRYPOINT ["./StableDiffusion.Studio"]
