import ArgumentParser
import ResNetScaling
struct Placeholder: ParsableCommand {}
Placeholder.main()
