# The Liaison server with its built designer. Build context: the repository root.
FROM node:20 AS designer
WORKDIR /src/src/designer
COPY src/designer/package.json src/designer/package-lock.json ./
RUN npm ci
COPY src/designer/ ./
# Vite writes to ../Liaison.Server/wwwroot/designer
RUN npm run build

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
COPY --from=designer /src/src/Liaison.Server/wwwroot/designer src/Liaison.Server/wwwroot/designer
RUN dotnet publish src/Liaison.Server -c Release -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app .
ENV ASPNETCORE_URLS=http://0.0.0.0:8080
# The GC's gen0 budget (32 MB), no tiering delay, and optimised code after 512 calls; only the environment sets
# them: see src/Liaison.Server/Hosting/RuntimeSettings.cs.
ENV DOTNET_GCgen0size=0x2000000
ENV DOTNET_TC_CallCountingDelayMs=0
ENV DOTNET_TC_CallCountThreshold=0x200
EXPOSE 8080
# Not root: the server writes nothing but temporary files (keys and data live in PostgreSQL).
USER $APP_UID
ENTRYPOINT ["dotnet", "Liaison.Server.dll"]
